/*
 * tdk submit over profile as2 (RFC 4130): the endpoint's key and the
 * partner's certificate loaded once per process, and one AS2 message per
 * document (cmd/submit-as2.c).
 */
#ifndef TDK_CMD_SUBMIT_AS2_H
#define TDK_CMD_SUBMIT_AS2_H

#include "submit.h"

/*
 * Loads the key (key, its passphrase from key-passphrase-file, -fd or -env)
 * and partner-cert of s->e into s->as2 (freed by submit_as2_release), both
 * valid now, and checks the AS2 names.  Diagnostics go to d.  Returns 0;
 * TDK_EXIT_USAGE for a setting; TDK_EXIT_IO for a file that cannot be
 * read; TDK_EXIT_TRUST for a key or certificate refused.
 */
int submit_as2_load(struct submit *s, const struct tdk_endpoints *eps, struct tdk_diag *d);

/* Frees what submit_as2_load made; s->as2 may be NULL. */
void submit_as2_release(struct submit *s);

/*
 * Sends one document body as an AS2 message through the slot sl: claimed in
 * the journal with a new Message-ID (or the one it holds), POSTed, its MDN
 * verified and the answer recorded before it is reported.  Returns the
 * document's status.
 */
int submit_as2_send(struct submit *s, struct submit_slot *sl, struct tdk_doc *doc, const struct tdk_buf *body);

#endif
