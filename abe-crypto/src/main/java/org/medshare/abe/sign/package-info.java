/**
 * Upload signatures: the {@link org.medshare.abe.sign.UploadStatement} a hospital signs for each
 * record it uploads, and its {@link org.medshare.abe.sign.SigningKeys} (Ed25519 for the NIST suite,
 * SM2 with SM3 for the GM suite).
 */
package org.medshare.abe.sign;
