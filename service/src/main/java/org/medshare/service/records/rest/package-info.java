/**
 * The records API: uploads, listing, ciphertext download and per-record consent revocation; and hospitals'
 * upload-signing keys.
 */
package org.medshare.service.records.rest;
