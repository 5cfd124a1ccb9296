// node-tokenize.js FILE: the peer side of `make bench`.
//
// Streams FILE through node-edifact's Parser (npm `edifact` 1.2.12, installed by run.sh into
// tests/bench/node_modules) in 64 KiB chunks and prints the number of segments it opened
// (UNB..UNZ; the Parser consumes UNA itself).  The interchange is UNOC, so the bytes are read
// as Latin-1 and the Parser is set to the UNOC character repertoire; delimiters come from UNA.
//
// node-edifact 1.2.12 drops a released character when the release character is the last
// character of a chunk (Parser.write reads past the end of the chunk), so a chunk that ends
// in an odd run of release characters keeps its last one for the next chunk.  This costs
// nothing measurable and keeps the count exact.
'use strict';

const fs = require('fs');
const path = require('path');
const Parser = require(path.join(__dirname, 'node_modules', 'edifact', 'parser.js'));

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node node-tokenize.js FILE\n');
  process.exit(2);
}

const parser = new Parser();
parser.encoding('UNOC');
let segments = 0;
parser.on('opensegment', function () { segments++; });

const RC = '?';
let carry = '';
const input = fs.createReadStream(file, { encoding: 'latin1', highWaterMark: 64 * 1024 });

input.on('data', function (data) {
  let chunk = carry + data;
  let n = 0;
  while (n < chunk.length && chunk[chunk.length - 1 - n] === RC) n++;
  if (n % 2 === 1) {
    carry = chunk.slice(-1);
    chunk = chunk.slice(0, -1);
  } else {
    carry = '';
  }
  parser.write(chunk);
});
input.on('end', function () {
  if (carry !== '') parser.write(carry);
  parser.end();
  process.stdout.write(segments + '\n');
});
input.on('error', function (err) {
  process.stderr.write('node-tokenize: ' + err.message + '\n');
  process.exit(3);
});
