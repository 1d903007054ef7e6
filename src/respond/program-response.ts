/**
 * The program's response as the caller gets it: its status, headers and body, except that it may
 * not set cookies on our origin, and it is always rendered as an opaque, sandboxed origin so a page
 * it returns cannot act as the visitor.
 */
export function programResponse(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.delete("set-cookie");
  headers.set("content-security-policy", "sandbox");
  headers.set("x-content-type-options", "nosniff");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
