import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../collector/simulator/index.ts';
import { readmeBlock } from './support/readme.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Packs the package (`npm pack` runs `prepack` → `npm run build`), unpacks it into a fresh
 * project's node_modules next to links to exactly its declared dependencies (so an undeclared
 * one fails to resolve), then runs the README's library example as written against the simulator.
 */
test('the packed package imports from another project and the README library example runs as written', async () => {
  const project = mkdtempSync(join(tmpdir(), 'switchyard-consumer-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = packed[0]!.files.map((f) => f.path);
  assert.ok(files.includes('dist/lib/index.js') && files.includes('dist/lib/index.d.ts'), 'built JS and types are in the package');
  assert.ok(
    files.some((f) => f.startsWith('dist/core/clickhouse/migrations/') && f.endsWith('.sql')),
    'migrations ship with the build',
  );
  assert.ok(!files.some((f) => f.endsWith('.test.ts')), 'tests stay out');
  // The bin runs the TypeScript sources: every source it can reach (static or lazy imports, from
  // cli/main.ts) must be packed. Dev-only scripts nothing reaches may stay out.
  const packedSet = new Set(files);
  const reach = ['cli/main.ts'];
  for (const file of reach) {
    assert.ok(packedSet.has(file), `${file} is reachable from the bin but the package leaves it out`);
    for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(/^(?![ \t]*\/\/).*?(?:from |import\()'(\.\.?\/[^']+\.ts)'/gm)) {
      const target = posix.normalize(posix.join(posix.dirname(file), m[1]!));
      if (!reach.includes(target)) reach.push(target);
    }
  }
  assert.ok(reach.length > 50, `only ${reach.length} sources reached from cli/main.ts`);

  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, 'switchyard'), { recursive: true });
  execFileSync('tar', ['-xzf', join(project, packed[0]!.filename), '-C', join(modules, 'switchyard'), '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(modules, 'switchyard', 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
  for (const dep of Object.keys(manifest.dependencies)) {
    mkdirSync(join(modules, dep, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep));
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  const bin = join(modules, 'switchyard', 'bin', 'switchyard.js');
  const version = await promisify(execFile)(process.execPath, [bin, '--version'], { cwd: project, encoding: 'utf8' });
  assert.equal(version.stdout.trim(), manifest.version, 'the packed bin runs');
  const migrated = await promisify(execFile)(process.execPath, [bin, 'migrate'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, SWITCHYARD_DATA: join(project, '.cli-data') },
  });
  assert.match(migrated.stdout, /applied \d{4}_/, 'the packed bin reaches chDB and its migrations');

  const sim = await startSimulator({ port: 0 });
  try {
    // The README's routes file names the simulator's default port; this run uses a free one.
    writeFileSync(join(project, 'routes.yaml'), readmeBlock('yaml', 'routes.yaml for the simulator').replaceAll('http://127.0.0.1:8090', sim.url));
    writeFileSync(join(project, 'example.mjs'), readmeBlock('js', 'example.mjs'));
    // Asynchronous: the simulator answers from this process's event loop.
    const run = await promisify(execFile)(process.execPath, ['example.mjs'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, SIM_KEY: 'anything', SWITCHYARD_DATA: join(project, '.data'), KAFKA_BROKERS: '' },
    });
    assert.match(run.stdout, /\w+/, 'the example prints the answer');
    assert.match(run.stdout, /stored \d+ attempt/, 'events reached the embedded store');
  } finally {
    await sim.close();
  }

  writeFileSync(
    join(project, 'check.ts'),
    "import { Switchyard, createPublisher, type ChatCompletion } from 'switchyard';\nconst p = await createPublisher();\nconst y: Switchyard = Switchyard.create({ routes: 'routes.yaml', publisher: p });\nconst c: ChatCompletion = await y.complete({ model: 'chat', messages: [] });\nexport { c };\n",
  );
  const tsc = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--skipLibCheck',
      '--types',
      'node',
      '--typeRoots',
      join(ROOT, 'node_modules/@types'),
      'check.ts',
    ],
    { cwd: project, encoding: 'utf8' },
  );
  assert.equal(tsc.status, 0, `the package's types resolve for a TypeScript consumer:\n${tsc.stdout}${tsc.stderr}`);
});
