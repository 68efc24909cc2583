#!/usr/bin/env node
// Compiles the Solidity contracts of this folder with solc-js (the npm
// package `solc`, pinned in package.json / package-lock.json) and writes, per
// contract C, into OUT_DIR:
//   C.bin       creation bytecode, lower-case hex without 0x
//   C.abi.json  the ABI
//   C.json      ABI, creation and runtime bytecode, compiler version and settings
// Called by the Maven build (exec-maven-plugin, phase generate-resources):
//   node compile.js OUT_DIR
// Fails (exit 1) on any compiler error or if the installed solc is not the
// pinned version. Skips the work when every output is newer than every input.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const here = __dirname;
const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node compile.js OUT_DIR');
  process.exit(2);
}

const pinned = require(path.join(here, 'package.json')).dependencies.solc;
const installed = require(path.join(here, 'node_modules', 'solc', 'package.json')).version;
if (installed !== pinned) {
  console.error(`solc ${installed} is installed but ${pinned} is pinned: run "npm ci" in ${here}`);
  process.exit(1);
}

const EVM_VERSION = 'shanghai'; // what io.horizen:libevm 1.1.0 executes
const sources = fs.readdirSync(here).filter((f) => f.endsWith('.sol')).sort();
const inputs = sources.concat(['compile.js', 'package-lock.json']).map((f) => path.join(here, f));
const expectedOutputs = sources.flatMap((f) => {
  const name = path.basename(f, '.sol');
  return ['.bin', '.abi.json', '.json'].map((ext) => path.join(outDir, name + ext));
});

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch (e) {
    return -1;
  }
}

const newestInput = Math.max(...inputs.map(mtime));
const oldestOutput = Math.min(...expectedOutputs.map(mtime));
if (oldestOutput > newestInput) {
  console.log(`solidity: ${sources.length} source(s) up to date in ${outDir}`);
  process.exit(0);
}

const solc = require('solc');
const input = {
  language: 'Solidity',
  sources: Object.fromEntries(sources.map((f) => [f, { content: fs.readFileSync(path.join(here, f), 'utf8') }])),
  settings: {
    evmVersion: EVM_VERSION,
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const diagnostics = output.errors || [];
for (const d of diagnostics) {
  console.error(d.formattedMessage || d.message);
}
if (diagnostics.some((d) => d.severity === 'error')) {
  process.exit(1);
}

fs.mkdirSync(outDir, { recursive: true });
for (const file of sources) {
  const sourceSha256 = crypto.createHash('sha256').update(input.sources[file].content).digest('hex');
  for (const [name, contract] of Object.entries(output.contracts[file] || {})) {
    const bytecode = contract.evm.bytecode.object;
    if (!bytecode) {
      continue; // abstract contract or interface
    }
    const artifact = {
      contractName: name,
      sourceFile: file,
      sourceSha256,
      compiler: 'solc-js ' + solc.version(),
      evmVersion: EVM_VERSION,
      optimizerRuns: 200,
      abi: contract.abi,
      bytecode,
      deployedBytecode: contract.evm.deployedBytecode.object,
    };
    fs.writeFileSync(path.join(outDir, name + '.bin'), bytecode + '\n');
    fs.writeFileSync(path.join(outDir, name + '.abi.json'), JSON.stringify(contract.abi, null, 2) + '\n');
    fs.writeFileSync(path.join(outDir, name + '.json'), JSON.stringify(artifact, null, 2) + '\n');
    console.log(`solidity: ${name} -> ${bytecode.length / 2} bytes (${artifact.compiler}, ${EVM_VERSION})`);
  }
}
