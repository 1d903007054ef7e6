/**
 * The TypeScript lib .d.ts files and the Workers types, by path ("/lib.es5.d.ts"), as text.
 * scripts/build-client.ts gives this module its contents when it bundles the language worker, from
 * node_modules: nothing is fetched at run time. Unbundled (type checks), it is empty.
 */
const typeLibraries: Readonly<Record<string, string>> = {};
export default typeLibraries;
