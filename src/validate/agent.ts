import { Schema } from "effect";
import { Hash } from "../base/schemas";
import { SubmitRequest } from "./schemas";

/**
 * The schemas of the agent-facing API: POST /api/execute, POST /call/:hash/:name and the MCP tools'
 * inputs. The MCP tools' JSON Schemas (and the OpenAPI document) are generated from these, so what a
 * client is told and what is checked are one thing.
 */

const Prompt = Schema.String.annotate({
  description: "The prompt: a snippet's `prompt`, a module's ?q= and ?prompt= (at most 16 KiB of UTF-8).",
});

/** A module's request body: a string is sent as text/plain, any other JSON value as application/json. */
const Input = Schema.Json.annotate({
  description:
    "The body a module's fetch(request) reads (the request is then a POST): a string is sent as text/plain, any other JSON value as application/json. Snippets only see the prompt.",
});

/** POST /api/execute: a submit's fields, and what the run gets. */
export const ExecuteRequest = Schema.Struct({
  ...SubmitRequest.fields,
  prompt: Schema.optional(Prompt),
  input: Schema.optional(Input),
});
export type ExecuteRequest = typeof ExecuteRequest.Type;

/**
 * An export's name in a call: a function export (`add`), a method of an exported WorkerEntrypoint
 * class (`Calc.add`), or a method of the default export when that is a WorkerEntrypoint (`add`).
 * Names that reach an object's machinery are refused before anything runs.
 */
export const CallName = Schema.String.check(
  Schema.isPattern(/^[A-Za-z_$][\w$]{0,99}(?:\.[A-Za-z_$][\w$]{0,99})?$/, {
    message: "an export name is an identifier (add), or Class.method for a WorkerEntrypoint class (Calc.add)",
  }),
).annotate({ description: "add, or Calc.add for a method of an exported WorkerEntrypoint class" });

/** Names every object has: never a program's own export, whatever the program says. */
export const UNCALLABLE_NAMES: ReadonlySet<string> = new Set(["constructor", "__proto__", "prototype"]);

/** The body of POST /call/:hash/:name: the arguments, as a JSON array. */
export const CallArgs = Schema.Array(Schema.Json).annotate({
  description: "The arguments, as a JSON array: [1, 2] calls add(1, 2).",
});

/** The MCP tool `run`: a stored program, its prompt and (for a module) its request body. */
export const RunToolInput = Schema.Struct({
  hash: Hash.annotate({ description: "The program's hash, from submit or execute." }),
  prompt: Schema.optional(Prompt),
  body: Schema.optional(Input),
});
export type RunToolInput = typeof RunToolInput.Type;

/** The MCP tool `call`: one export of a stored module, with JSON arguments. */
export const CallToolInput = Schema.Struct({
  hash: Hash.annotate({ description: "The module's hash, from submit or execute." }),
  export: CallName,
  args: Schema.optional(CallArgs),
});
export type CallToolInput = typeof CallToolInput.Type;

/** The MCP tool `get_program`. */
export const GetProgramInput = Schema.Struct({
  hash: Hash.annotate({ description: "The program's hash." }),
});

/** The MCP tool `recent_runs`. */
export const RecentRunsInput = Schema.Struct({
  limit: Schema.optional(
    Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 50 })).annotate({
      description: "How many of the most recent runs to list (1 to 50; 10 when left out).",
    }),
  ),
});
