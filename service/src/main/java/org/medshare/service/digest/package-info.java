/**
 * The service's one home for SHA-256 over public bytes (query text, policies, key encodings, consent names).
 */
package org.medshare.service.digest;
