import type { Mode } from "../validate/schemas";

export interface Example {
  readonly id: string;
  readonly title: string;
  readonly mode: Mode;
  readonly prompt: string;
  readonly code: string;
}

/** The two programs from the original write-ups, verbatim apart from line breaks. */
export const EXAMPLES: readonly Example[] = [
  {
    id: "word-reverser",
    title: "Word reverser",
    mode: "snippet",
    prompt: "hello brave new world",
    code: `const words = prompt.split(' ');
const reversed = words.reverse().join(' ');
const result = {
  original: prompt,
  reversed,
  wordCount: words.length,
  timestamp: new Date().toISOString()
};`,
  },
  {
    id: "uppercase",
    title: "Uppercase tool",
    mode: "module",
    prompt: "make me loud",
    code: `export default {
  async fetch(req) {
    const { searchParams } = new URL(req.url);
    const prompt = searchParams.get('q') ?? 'Hello';
    return new Response(prompt.toUpperCase(), {
      headers: { 'content-type': 'text/plain' }
    });
  }
}`,
  },
];
