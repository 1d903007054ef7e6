import type { Mode } from "../base/schemas";

export interface Example {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly mode: Mode;
  readonly prompt: string;
  readonly code: string;
  /** Sent as a POST body (JSON) when set: the program is a data transform. */
  readonly body?: string;
}

/** The gallery: the two programs from the original write-ups first, verbatim apart from line breaks. */
export const EXAMPLES: readonly Example[] = [
  {
    id: "word-reverser",
    title: "Word reverser",
    description: "The original snippet: reverses the prompt's words.",
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
    description: "The original module: answers the prompt in capitals.",
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
  {
    id: "json-to-csv",
    title: "JSON to CSV",
    description: "A data transform: POSTs the body below and answers CSV.",
    mode: "module",
    prompt: "",
    body: JSON.stringify(
      [
        { name: "Ada", language: "Analytical Engine", year: 1843 },
        { name: "Grace", language: "COBOL", year: 1959 },
      ],
      null,
      2,
    ),
    code: `export default {
  async fetch(req) {
    if (req.method !== 'POST') return new Response('POST a JSON array of objects', { status: 405 });
    const rows = await req.json();
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    const cell = (value) => /[",\\n]/.test(String(value ?? '')) ? '"' + String(value).replaceAll('"', '""') + '"' : String(value ?? '');
    const csv = [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))].join('\\n');
    console.log('converted', rows.length, 'rows');
    return new Response(csv, { headers: { 'content-type': 'text/csv' } });
  }
}`,
  },
  {
    id: "password",
    title: "Password generator",
    description: "Random passwords from crypto.getRandomValues; the prompt is the length.",
    mode: "snippet",
    prompt: "20",
    code: `const length = Math.min(Math.max(Number(prompt) || 16, 8), 128);
const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#$%^&*-_';
const bytes = crypto.getRandomValues(new Uint32Array(length));
const password = Array.from(bytes, (n) => alphabet[n % alphabet.length]).join('');
return { length, password };`,
  },
  {
    id: "text-stats",
    title: "Text statistics",
    description: "Counts words, sentences and the most frequent words of the prompt.",
    mode: "snippet",
    prompt: "The quick brown fox jumps over the lazy dog. The dog sleeps. The fox runs!",
    code: `const words = prompt.toLowerCase().match(/[\\p{L}\\p{N}']+/gu) ?? [];
const counts = new Map();
for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5);
console.info('distinct words:', counts.size);
result = {
  characters: prompt.length,
  words: words.length,
  sentences: prompt.split(/[.!?]+/).filter((s) => s.trim()).length,
  top: Object.fromEntries(top),
};`,
  },
  {
    id: "html-page",
    title: "HTML page",
    description: "Answers a page, previewed from the run origin with its own styles.",
    mode: "module",
    prompt: "Promptlog",
    code: `export default {
  fetch(req) {
    const name = new URL(req.url).searchParams.get('q') || 'world';
    const safe = name.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
    const page = \`<!doctype html><meta charset="utf-8"><title>Hello</title>
<body style="font-family: system-ui; padding: 2rem; background: #fff7ed">
<h1>Hello, \${safe}!</h1><p>Served from its own V8 isolate.</p></body>\`;
    return new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8' } });
  }
}`,
  },
  {
    id: "counter",
    title: "Visit counter",
    description: "Keeps state between runs in env.STORE.",
    mode: "module",
    prompt: "",
    code: `export default {
  async fetch(req, env) {
    const visits = ((await env.STORE.get('visits')) ?? 0) + 1;
    await env.STORE.put('visits', visits);
    return Response.json({ visits, keys: await env.STORE.list() });
  }
}`,
  },
];
