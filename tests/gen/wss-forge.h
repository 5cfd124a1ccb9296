/*
 * A forger's signature for the tests' probes (tests/gen/wss-probe.c,
 * tests/gen/as4-probe.c): included by each, compiled into each.
 */
#ifndef TDK_TESTS_GEN_WSS_FORGE_H
#define TDK_TESTS_GEN_WSS_FORGE_H

#include <libxml/tree.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmldsig.h>

#include "sign/sign.h"
#include "xml/xml.h"

/* Signs again with a signature over eb:Messaging only: the other references dropped, the value made anew. */
static int wss_forge_header_only(xmlDocPtr doc, const struct tdk_signer *s)
{
	xmlNodePtr sig = NULL, n, next;
	xmlSecDSigCtxPtr ctx;
	int r = -1;

	for (n = xmlDocGetRootElement(doc); n; n = tdk_node_next(n))
		if (tdk_node_is(n, "Signature", TDK_NS_DSIG)) {
			sig = n;
			break;
		}
	n = tdk_node_child(tdk_node_child(sig, "SignedInfo", TDK_NS_DSIG), "Reference", TDK_NS_DSIG);
	for (n = n ? n->next : NULL; n; n = next) {
		next = n->next;
		if (tdk_node_is(n, "Reference", TDK_NS_DSIG)) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		}
	}
	n = tdk_node_child(sig, "KeyInfo", TDK_NS_DSIG);
	xmlUnlinkNode(n);
	if (!(ctx = xmlSecDSigCtxCreate(NULL)))
		goto out;
	if ((ctx->signKey = xmlSecKeyDuplicate(s->xkey)) && xmlSecDSigCtxSign(ctx, sig) >= 0)
		r = 0;
	xmlSecDSigCtxDestroy(ctx);
out:
	if (n)
		xmlAddChild(sig, n);
	return r;
}

#endif
