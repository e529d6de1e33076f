// Compiles a Node program (a service's main.ts, the `npm start` launcher) to CommonJS with swc, so it
// runs as plain JavaScript with no TypeScript hook at run time. Starting from the entries it follows
// every relative import, and the @switchboard/* aliases of tsconfig.base.json, which swc rewrites to
// relative paths; packages stay in node_modules. The output mirrors the repo's layout under --out
// (apps/router/src/main.ts becomes <out>/apps/router/src/main.js), so relative paths between files,
// and from them to node_modules, still hold. Each file gets a source map naming its .ts lines.
//
//   node tools/build/compile-program.js --out dist/apps/router apps/router/src/main.ts
//
// Plain JavaScript, so that building needs no TypeScript loader either.
'use strict';

const { transformFileSync } = require('@swc/core');
const {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { basename, dirname, join, relative, resolve } = require('node:path');

const workspaceRoot = resolve(__dirname, '..', '..');

function main(args) {
  const { outDirectory, entries } = parseArguments(args);
  const started = process.hrtime.bigint();
  const compiler = swcOptions();
  rmSync(outDirectory, { recursive: true, force: true });

  const pending = entries.map((entry) => resolve(workspaceRoot, entry));
  const compiled = new Set();
  const sourceDirectories = new Set();
  while (pending.length > 0) {
    const source = pending.pop();
    if (compiled.has(source)) continue;
    compiled.add(source);
    sourceDirectories.add(dirname(source));
    const code = compileFile(source, outDirectory, compiler);
    for (const specifier of relativeRequires(code)) {
      const dependency = resolveSource(resolve(dirname(source), specifier));
      if (dependency === undefined) {
        throw new Error(`${relative(workspaceRoot, source)}: cannot find the module '${specifier}'`);
      }
      if (dependency.endsWith('.ts')) pending.push(dependency);
    }
  }
  const copied = copyPlainScripts(sourceDirectories, outDirectory);
  const milliseconds = Number((process.hrtime.bigint() - started) / 1_000_000n);
  console.log(
    `compiled ${compiled.size} files${copied ? ` and copied ${copied}` : ''} to ` +
      `${relative(workspaceRoot, outDirectory)} in ${milliseconds} ms`,
  );
}

function parseArguments(args) {
  const entries = [];
  let outDirectory;
  for (let index = 0; index < args.length; index++) {
    if (args[index] === '--out') outDirectory = args[++index];
    else entries.push(args[index]);
  }
  if (!outDirectory || entries.length === 0) {
    throw new Error('usage: compile-program.js --out <directory> <entry.ts>...');
  }
  return { outDirectory: resolve(workspaceRoot, outDirectory), entries };
}

// The options the register hook derived from tsconfig.base.json, so compiled code behaves as before:
// legacy decorators with their metadata (Nest injects by the emitted parameter types), ES2022 class
// fields, esModuleInterop and class names kept.
function swcOptions() {
  const { compilerOptions } = require(join(workspaceRoot, 'tsconfig.base.json'));
  const baseUrl = resolve(workspaceRoot, compilerOptions.baseUrl ?? '.');
  const paths = Object.fromEntries(
    Object.entries(compilerOptions.paths ?? {}).map(([alias, targets]) => [
      alias,
      targets.map((target) => resolve(baseUrl, target)),
    ]),
  );
  return {
    jsc: {
      target: compilerOptions.target ?? 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
      keepClassNames: true,
      baseUrl,
      paths,
    },
    module: { type: 'commonjs', noInterop: false },
    sourceMaps: true,
    inlineSourcesContent: false,
    swcrc: false,
    configFile: false,
  };
}

function compileFile(source, outDirectory, compiler) {
  const target = join(outDirectory, relative(workspaceRoot, source)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  const output = transformFileSync(source, {
    ...compiler,
    filename: source,
    // Relative to the compiled file, so a stack trace names the .ts file in the repo.
    sourceFileName: relative(dirname(target), source),
  });
  writeFileSync(target, `${output.code}\n//# sourceMappingURL=${basename(target)}.map\n`);
  writeFileSync(`${target}.map`, output.map);
  return output.code;
}

// swc writes every import as require("<specifier>") with double quotes; aliases are relative by now.
function relativeRequires(code) {
  return [...code.matchAll(/\brequire\("(\.{1,2}\/[^"]*)"\)/g)].map((match) => match[1]);
}

function resolveSource(path) {
  for (const candidate of [`${path}.ts`, join(path, 'index.ts'), `${path}.js`, path]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

// Plain JavaScript that sits beside the compiled sources is loaded by path (the embedded PostgreSQL's
// worker thread), so it ships with them.
function copyPlainScripts(sourceDirectories, outDirectory) {
  let copied = 0;
  for (const directory of sourceDirectories) {
    for (const name of readdirSync(directory)) {
      if (!name.endsWith('.js')) continue;
      copyFileSync(join(directory, name), join(outDirectory, relative(workspaceRoot, directory), name));
      copied++;
    }
  }
  return copied;
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
