// An AS2 receiver of the tests' own around npm libas2 (tests/peers/package.json),
// on 127.0.0.1 at a free port written to PORTFILE once listening.
//
//   node as2-peer.js PORTFILE OUTDIR CERT KEY PARTNER-CERT [options]
//
// Each POST is counted (OUTDIR/count), its Message-ID appended to OUTDIR/ids
// and its raw body kept (OUTDIR/body.N); libas2 decrypts it with KEY when
// encrypted, verifies the signature against PARTNER-CERT (the sender's),
// and the payload it finds is written to OUTDIR/payload.N.  The answer is
// a synchronous MDN built by libas2, signed with KEY and CERT with the MIC
// algorithm the sender asked for.  Options make it misbehave:
//   --mdn-key K --mdn-cert C   sign the MDN with another key
//   --bad-mic                  return a Received-Content-MIC that is not the one computed
//   --drop                     close the connection after reading the body, without an answer
//   --no-mdn                   answer 200 with a body that is no MDN
'use strict'
const fs = require('fs')
const http = require('http')
const path = require('path')
const pkijs = require('pkijs')
const { AS2Parser, AS2Disposition } = require('libas2')

// libas2 0.8.2 on the pkijs 2.4 it installs with cannot sign with an RSA key whose certificate says
// rsaEncryption (every RSA certificate): it takes the key's algorithm from pkijs' getAlgorithmByOID,
// which now answers RSAES-PKCS1-v1_5 (encryption), and pkijs then refuses to sign ("Unsupported
// signature algorithm").  While the MDN is signed, rsaEncryption is answered as RSASSA-PKCS1-v1_5.
const engine = pkijs.CryptoEngine.prototype
const byOid = engine.getAlgorithmByOID
let signing = false
engine.getAlgorithmByOID = function (oid) {
  if (signing && oid === '1.2.840.113549.1.1.1') return { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } }
  return byOid.call(this, oid)
}

const [portFile, outDir, certFile, keyFile, partnerFile, ...rest] = process.argv.slice(2)
const opt = { drop: rest.includes('--drop'), badMic: rest.includes('--bad-mic'), noMdn: rest.includes('--no-mdn') }
const at = (name) => (rest.indexOf(name) >= 0 ? rest[rest.indexOf(name) + 1] : undefined)
const cert = fs.readFileSync(certFile, 'utf8')
const key = fs.readFileSync(keyFile, 'utf8')
const partner = fs.readFileSync(partnerFile, 'utf8')
const mdnCert = at('--mdn-cert') ? fs.readFileSync(at('--mdn-cert'), 'utf8') : cert
const mdnKey = at('--mdn-key') ? fs.readFileSync(at('--mdn-key'), 'utf8') : key
let n = 0

// The MIC algorithm asked for in Disposition-Notification-Options, as libas2 names it (sha-256).
function micalg (options) {
  const m = /signed-receipt-micalg\s*=\s*[a-z]+\s*,\s*([a-z0-9-]+)/i.exec(options || '')
  const a = m ? m[1].toLowerCase() : 'sha-256'
  return a.startsWith('sha-') ? a : a.replace(/^sha/, 'sha-')
}

// The payload's bytes: libas2 gives the content decoded as text in its charset (a UTF-8 payload
// comes back in Latin-1), so its raw entity is decoded here, base64 or as it is.
function payload (node) {
  const raw = String(node.raw)
  const at = raw.indexOf('\r\n\r\n')
  const text = raw.slice(at + 4).replace(/\r\n$/, '')
  if (/^base64$/i.test(node.getHeader('content-transfer-encoding') || '')) return Buffer.from(text, 'base64')
  return Buffer.from(text, 'latin1')
}

async function answer (req, res, body) {
  // libas2's MIME parser reads a body sent in binary (RFC 4130 needs no transfer encoding over HTTP)
  // as UTF-8 text, which mangles the DER of an encrypted (application/pkcs7-mime) body, and it keeps
  // base64 content as bytes only under Content-Disposition: attachment.  Such a body is handed to it
  // in base64, as an attachment: the same bytes once decoded.
  let headers = req.rawHeaders
  if (/^application\/(x-)?pkcs7-mime/i.test(req.headers['content-type'] || '') && !req.headers['content-transfer-encoding']) {
    headers = headers.concat(['Content-Transfer-Encoding', 'base64', 'Content-Disposition', 'attachment; filename=smime.p7m'])
    body = Buffer.from(body.toString('base64').replace(/(.{76})/g, '$1\r\n'))
  }
  const node = await AS2Parser.parse({ headers, content: body })
  const from = req.headers['as2-from']
  const to = req.headers['as2-to']
  const agreement = {
    host: { name: to, id: to, url: 'http://127.0.0.1/', certificate: cert, privateKey: key, decrypt: node.encrypted },
    partner: { name: from, id: from, url: 'http://127.0.0.1/', certificate: partner, verify: true, mdn: { signing: false } }
  }
  const { contentNode, disposition } = await AS2Disposition.outgoing({ node, agreement })
  if (contentNode) fs.writeFileSync(path.join(outDir, 'payload.' + n), payload(contentNode))
  if (opt.badMic && disposition.notification.receivedContentMic) {
    disposition.notification.receivedContentMic.mic = Buffer.alloc(32, 7).toString('base64')
  }
  let mdn = disposition.toMimeNode()
  signing = true
  try {
    mdn = await mdn.sign({ cert: mdnCert, key: mdnKey, algorithm: micalg(req.headers['disposition-notification-options']) })
  } finally {
    signing = false
  }
  mdn.setHeader([{ key: 'AS2-From', value: to }, { key: 'AS2-To', value: from }, { key: 'AS2-Version', value: '1.2' }])
  mdn.messageId(true)
  const built = await mdn.buildObject()
  // libas2 signs the multipart/report without the CRLF that ends it (after its close delimiter) but
  // sends that CRLF: the signature then covers other bytes than the part sent (openssl smime -verify
  // fails on it too: "digest failure").  The framing is mended; the MDN and its signature are libas2's.
  res.writeHead(200, built.headers)
  res.end(built.body.replace(/(\r\n--[^\r\n]+--)\r\n(\r\n--)/, '$1$2'))
}

const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks)
    n++
    fs.writeFileSync(path.join(outDir, 'count'), String(n) + '\n')
    fs.appendFileSync(path.join(outDir, 'ids'), (req.headers['message-id'] || '-') + '\n')
    fs.writeFileSync(path.join(outDir, 'body.' + n), body)
    fs.writeFileSync(path.join(outDir, 'headers.' + n), JSON.stringify(req.headers, null, 1) + '\n')
    if (opt.drop) {
      req.socket.destroy()
      return
    }
    if (opt.noMdn) {
      res.writeHead(200, { 'Content-Type': 'text/plain' })
      res.end('thank you\n')
      return
    }
    answer(req, res, body).catch((e) => {
      fs.appendFileSync(path.join(outDir, 'errors'), String(e && e.stack) + '\n')
      res.writeHead(500, { 'Content-Type': 'text/plain' })
      res.end(String(e && e.message) + '\n')
    })
  })
})
server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port)))
