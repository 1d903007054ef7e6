/** What the request stage's middleware sees: the bindings, and the visitor it sets. */
export interface RequestEnv {
  Bindings: Env;
  Variables: { visitorId: string };
}
