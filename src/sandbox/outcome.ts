import { Schema } from "effect";

/** What the runner reports back across the isolate boundary: untrusted, so it is decoded. */
export const RunOutcome = Schema.Union([
  Schema.Struct({ kind: Schema.Literal("ok"), response: Schema.instanceOf(Response), warm: Schema.Boolean }),
  Schema.Struct({
    kind: Schema.Literal("exception"),
    name: Schema.String,
    message: Schema.String,
    stack: Schema.String,
    warm: Schema.Boolean,
  }),
  Schema.Struct({ kind: Schema.Literal("load_error"), message: Schema.String, warm: Schema.Boolean }),
  // A call only: the name is not a callable export, or the result is not JSON.
  Schema.Struct({ kind: Schema.Literal("no_export"), message: Schema.String, warm: Schema.Boolean }),
  Schema.Struct({ kind: Schema.Literal("not_json"), message: Schema.String, warm: Schema.Boolean }),
]);
export type RunOutcome = typeof RunOutcome.Type;

/** What the runner's ready() reports when a program is loaded at submit time. */
export const ReadyOutcome = Schema.Union([
  Schema.Struct({ kind: Schema.Literal("ready") }),
  Schema.Struct({ kind: Schema.Literal("load_error"), message: Schema.String, warm: Schema.Boolean }),
]);
