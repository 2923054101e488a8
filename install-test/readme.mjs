// Fenced code blocks of a README, with what their info strings say (install-test/README.md):
// ```ts file=src/db.ts  ->  { lang: 'ts', file: 'src/db.ts', tags: [], code, lines }
// ```sh steps           ->  { lang: 'sh', tags: ['steps'], ... }

const FENCE = /^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;

export function readmeBlocks(markdown) {
  const blocks = [];
  for (const match of markdown.matchAll(FENCE)) {
    const [lang = '', ...words] = match[1].trim().split(/\s+/);
    const file = words.find((word) => word.startsWith('file='))?.slice('file='.length);
    const tags = words.filter((word) => !word.startsWith('file='));
    const code = match[2];
    const lines = code
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line && !line.startsWith('#'));
    blocks.push({ lang, file, tags, code, lines });
  }
  return blocks;
}
