// An AS2 sender tdk did not write: npm libas2 (pinned in package.json) sends
// one message to an AS2 receiver and checks the MDN that comes back.
//
//   node as2-send.js URL MODE FROM TO PAYLOAD KEY CERT RECEIVER-CERT [MESSAGE-ID]
//
// MODE: signed, signed-encrypted (aes256-CBC to RECEIVER-CERT), or
// signed-encrypted-to=FILE (encrypted to another certificate than the
// receiver's, so that it cannot decrypt).  The message is signed with KEY and
// CERT (sha-256) and asks for a signed MDN (sha-256).  libas2 computes the
// MIC over the signed entity itself (AS2Crypto.verify with our own
// certificate returns the digest it checked) and checks the MDN's signature
// with RECEIVER-CERT.  Prints "status=", "mdn-signature=verified",
// "disposition=", "mic=match|mismatch|none", "original-message-id=".
'use strict'
const fs = require('fs')
const http = require('http')
const { AS2MimeNode, AS2Parser, AS2Disposition, AS2Crypto } = require('libas2')
const { AS2SignedData } = require('libas2/dist/src/AS2Crypto/AS2SignedData')

// libas2 0.8.2 takes the signing algorithm from the certificate's public key
// (rsaEncryption), which the pkijs it installs maps to RSAES-PKCS1-v1_5, an
// encryption scheme it cannot sign with: sign as sha256WithRSAEncryption
// says (RSASSA-PKCS1-v1_5; the hash is set from the algorithm asked).
const certAlgorithm = AS2SignedData.prototype._getCertAlgorithmId
AS2SignedData.prototype._getCertAlgorithmId = function (certificate) {
  const id = certAlgorithm.call(this, certificate)
  return id === '1.2.840.113549.1.1.1' ? '1.2.840.113549.1.1.11' : id
}

async function main () {
  const [url, mode, from, to, payloadFile, keyFile, certFile, receiverFile, msgid] = process.argv.slice(2)
  const key = fs.readFileSync(keyFile, 'utf8')
  const cert = fs.readFileSync(certFile, 'utf8')
  const receiver = fs.readFileSync(receiverFile, 'utf8')
  const payload = fs.readFileSync(payloadFile)
  let node = new AS2MimeNode({ filename: 'payload.edi', contentType: 'application/edifact', content: payload })
  node = await node.sign({ cert, key, algorithm: 'sha-256' })
  const digest = await AS2Crypto.verify(node, { cert }, true)
  const mic = digest ? digest.digest.toString('base64') : ''
  if (mode.startsWith('signed-encrypted')) {
    const eq = mode.indexOf('=')
    const to = eq > 0 ? fs.readFileSync(mode.slice(eq + 1), 'utf8') : receiver
    node = await node.encrypt({ cert: to, encryption: 'aes256-CBC' })
  }
  node.setHeader([
    { key: 'AS2-From', value: from },
    { key: 'AS2-To', value: to },
    { key: 'AS2-Version', value: '1.2' },
    { key: 'Disposition-Notification-To', value: 'mdn@' + from },
    { key: 'Disposition-Notification-Options',
      value: 'signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, sha-256' }
  ])
  if (msgid) node.setHeader('Message-ID', msgid)
  node.messageId(true)
  const { headers, body } = await node.buildObject()
  const res = await new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, r => {
      const chunks = []
      r.on('data', c => chunks.push(c))
      r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end(body)
  })
  console.log('message-id=' + node.messageId())
  console.log('status=' + res.status)
  if (!res.body.length) return
  const mdn = await AS2Parser.parse({ headers: res.headers, content: res.body })
  const disposition = await AS2Disposition.incoming(mdn, { cert: receiver })
  console.log('mdn-signature=verified')
  const n = disposition.notification
  const d = n.disposition
  console.log('disposition=' + (d.processed ? 'processed' : 'failed') +
    (d.description ? '/' + d.description.type + ': ' + d.description.text : ''))
  console.log('original-message-id=' + n.originalMessageId)
  const got = n.receivedContentMic
  console.log('mic=' + (!got ? 'none' : got.mic === mic && got.algorithm === 'sha-256' ? 'match' : 'mismatch'))
}

main().catch(e => { console.log('error=' + (e && e.stack ? e.stack : e)); process.exit(1) })
