/*
 * tdk submit over profile as4 (the eDelivery AS4 profile 1.x): the
 * endpoint's key and the partner's certificate loaded once per process,
 * and one AS4 UserMessage per document, sent until its outcome is known
 * (cmd/submit-as4.c).
 */
#ifndef TDK_CMD_SUBMIT_AS4_H
#define TDK_CMD_SUBMIT_AS4_H

#include "submit.h"

/*
 * Loads the key (key, its passphrase from key-passphrase-file, -fd or -env)
 * and partner-cert of s->e into s->as4 (freed by submit_as4_release), both
 * valid now, the certificate as the one trusted signer of receipts.
 * Diagnostics go to d.  Returns 0; TDK_EXIT_IO for a file that cannot be
 * read; TDK_EXIT_TRUST for a key or certificate refused; TDK_EXIT_INTERNAL.
 */
int submit_as4_load(struct submit *s, const struct tdk_endpoints *eps, struct tdk_diag *d);

/* Frees what submit_as4_load made; s->as4 may be NULL. */
void submit_as4_release(struct submit *s);

/*
 * Sends one document body (or dossier) as an AS4 message through the slot
 * sl: claimed in the journal with a new MessageId (or, held unknown, sent
 * again with the one it holds), signed, encrypted, POSTed until its
 * outcome is known or the endpoint's retries are spent, its receipt
 * verified and the answer recorded before it is reported.  Returns the
 * document's status.
 */
int submit_as4_send(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_buf *body);

#endif
