/**
 * README.md runs as written: every TypeScript block is compiled and executed against the built
 * package, and every `npx anneal ...` line of the shell blocks is run (training commands with
 * --dry-run, which checks the config, its data and the output directory without training; the
 * commands that use a model get tiny ones trained first). A shell line that is neither run nor in
 * the short list of heavy or external commands below fails the test, so nothing slips by.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { repoRoot } from './helpers/index.js';

interface Block {
  lang: string;
  code: string;
  line: number;
}

/** Fenced code blocks with their language and first line number. */
export function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    blocks.push({ lang: open[1]!, code: lines.slice(start, end).join('\n'), line: start + 1 });
    i = end;
  }
  return blocks;
}

/** Shell commands of a block: continuation lines joined, comments and blank lines dropped. */
function commands(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.replace(/\s+#\s.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Heavy or external commands the README shows but this test does not run (CI runs the first pair itself). */
const NOT_RUN = [/^npm install/, /^npm test$/, /^npm run build/, /^bash bench\//, /^sh scripts\//, /^bash scripts\//, /^node scripts\//, /^\/usr\/bin\/python3 /, /^node bench\//, /^npx anneal demo /];

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const blocks = codeBlocks(readme);
const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const work = mkdtempSync(join(tmpdir(), 'anneal-readme-'));
symlinkSync(join(repoRoot, 'examples'), join(work, 'examples'));
const snippets = join(repoRoot, 'build', 'readme');
mkdirSync(snippets, { recursive: true });

function anneal(args: string[]): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8', timeout: 120_000 });
}

/** Tiny models at the paths the README uses, so translate, generate and eval have something to load. */
function trainFixtures(): void {
  const tiny = ['--set', 'training.maxSteps=2', '--set', 'training.evalEvery=2', '--set', 'training.samples=0', '--quiet'];
  const runs: [string, string[]][] = [
    ['runs/numbers', ['--set', 'data.validSize=20', '--set', 'data.testSize=20', '--set', 'data.maxDigits=4', '--set', 'schedule={"name":"constant"}']],
    ['runs/tiny-lm', ['examples/tiny-lm.json', '--set', 'schedule={"name":"constant"}', '--set', 'model.dModel=16', '--set', 'model.numLayers=1', '--set', 'model.dimFeedforward=32', '--set', 'data.contextLength=16', '--set', 'training.gradAccumSteps=1']],
    ['runs/pig-latin', ['examples/pig-latin.json', '--set', 'schedule={"name":"constant"}', '--set', 'training.maxEpochs=null', '--set', 'model.dModel=16', '--set', 'model.dimFeedforward=32', '--set', 'data.path=pairs.tsv']],
  ];
  // a few pairs, so that scoring the fixture (greedy decoding included) takes no time
  writeFileSync(join(work, 'pairs.tsv'), readFileSync(join(repoRoot, 'examples', 'data', 'pig-latin.tsv'), 'utf8').split('\n').slice(0, 40).join('\n') + '\n');
  for (const [out, args] of runs) {
    const config = args[0]?.endsWith('.json') ? [args[0]] : [];
    const r = anneal(['train', ...config, ...args.slice(config.length), ...tiny, '--out', out]);
    assert.equal(r.status, 0, `training the ${out} fixture: ${r.stderr}`);
  }
}

test('README.md has TypeScript and shell examples', () => {
  assert.ok(blocks.some((b) => b.lang === 'ts'));
  assert.ok(blocks.some((b) => b.lang === 'sh' || b.lang === 'bash'));
});

blocks.forEach((block, i) => {
  if (block.lang === 'ts') {
    test(`README.md line ${block.line}: the TypeScript example compiles and runs`, () => {
      const js = ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const file = join(snippets, `block-${i}.mjs`);
      writeFileSync(file, js);
      const r = spawnSync(process.execPath, [file], { cwd: work, encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 0, `README.md line ${block.line}:\n${r.stderr}`);
    });
  }
});

test('every anneal command in the README shell examples runs', () => {
  trainFixtures();
  const seen: string[] = [];
  for (const block of blocks.filter((b) => b.lang === 'sh' || b.lang === 'bash')) {
    for (const command of commands(block.code)) {
      for (const part of command.split(/\s*&&\s*/)) {
        if (NOT_RUN.some((re) => re.test(part))) continue;
        if (part.startsWith('echo ')) {
          const r = spawnSync('bash', ['-c', part], { cwd: work, encoding: 'utf8' });
          assert.equal(r.status, 0, part);
          continue;
        }
        assert.match(part, /^npx anneal( |$)/, `README.md line ${block.line}: '${part}' is neither run by this test nor listed as not run`);
        const args = shellWords(part.slice('npx anneal'.length));
        // a dry run checks everything but writes nothing, so it may pass over the fixture runs
        if (args[0] === 'train' && !args.includes('--help')) args.push('--dry-run', '--overwrite');
        // a sweep's dry run lists its trials and checks every trial's config
        if (args[0] === 'sweep' && !args.includes('--help') && !args.includes('--dry-run')) args.push('--dry-run');
        const r = anneal(args);
        assert.equal(r.status, 0, `README.md line ${block.line}: ${part}\n${r.stderr}`);
        seen.push(args[0] ?? '');
      }
    }
  }
  assert.ok(seen.includes('train'));
});

/** Splits a command line into words, honouring single and double quotes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]!));
  return words;
}
