import { Schema } from "effect";
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { NONCE, type SecureHeadersVariables, secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../app-env";
import { Hash } from "../base/schemas";
import { runOrigin } from "../config/origins";
import { historyOf } from "../record/history";
import { isNewVisitor } from "../request/auth-caller";
import { loadProgram } from "../store/program-store";
import { EXAMPLES } from "../ui/examples";
import { PlaygroundPage } from "../ui/page";

const isHash = Schema.is(Hash);

/**
 * Our own pages allow only our own scripts and styles: nothing a program returns can run here. The
 * one style element not in a file is the editor's, which carries this response's nonce.
 */
const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", NONCE],
    imgSrc: ["'self'", "data:"],
    // HTML answers are previewed from the run origin, when there is one.
    frameSrc: ["'self'", (c) => runOrigin(c.env)?.origin ?? "'self'"],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    objectSrc: ["'none'"],
  },
});

type PageContext = Context<AppEnv & { Variables: SecureHeadersVariables }>;

async function renderPage(c: PageContext, extra: Pick<Parameters<typeof PlaygroundPage>[0], "shared" | "notice">) {
  // A first visit has no history yet: asking would create its Durable Object for nothing.
  const history = isNewVisitor(c) ? [] : await historyOf(c.env, c.get("visitorId")).list();
  const nonce = c.get("secureHeadersNonce") ?? "";
  const page = (
    <PlaygroundPage
      examples={EXAMPLES}
      history={history}
      runnable={c.get("sandbox").canRun}
      styleNonce={nonce}
      runOrigin={runOrigin(c.env)?.origin ?? null}
      {...extra}
    />
  );
  return html`<!doctype html>${page}`;
}

export const pageRoutes = new Hono<AppEnv & { Variables: SecureHeadersVariables }>()
  .get("/", pageHeaders, async (c) => c.html(await renderPage(c, {})))
  /** A share link: the playground with a stored program open in the editor. */
  .get("/s/:hash", pageHeaders, async (c) => {
    const hash = c.req.param("hash");
    const program = isHash(hash) ? await loadProgram(c.env, hash) : null;
    if (!program) {
      const notice = `No program is stored under "${hash.slice(0, 80)}". Share links are /s/ and a program's full hash.`;
      return c.html(await renderPage(c, { notice }), 404);
    }
    return c.html(await renderPage(c, { shared: { hash, program } }));
  });
