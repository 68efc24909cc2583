/**
 * The {@code medshare} command line: the entry point {@link org.medshare.client.Medshare}, which registers every
 * command, and the commands that need no service, namely a local key authority ({@code medshare authority init},
 * {@code authority keygen}) and {@code medshare encrypt} / {@code decrypt} of single files.
 *
 * <p>Shared by every command: exit status 0 on success, 1 when a cryptographic or verification check fails or
 * the service refuses, 2 on a usage error, with the reason as one line on stderr ({@link
 * org.medshare.client.CliFailure}); output files are written through {@link org.medshare.client.AtomicOutput},
 * so a failed command leaves none behind. Values several commands take (a policy, a symmetric suite) are parsed in
 * {@link org.medshare.client.Arguments}.
 *
 * <p>The commands that talk to the service live in the subpackages: {@code login}, {@code upload},
 * {@code query} (queries, templates, payments, audit export), {@code authority} (a clinician's key from the
 * service's key authority) and {@code audit} (offline ledger verification), all over {@code http}. Each of them
 * extends {@link org.medshare.client.login.ServiceCommand}, which brings the session options and turns a refusal
 * by the service into the one-line failure with exit 1.
 */
package org.medshare.client;
