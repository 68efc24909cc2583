/**
 * Building blocks of the scheme, not an API: group encodings and hashing to G1 ({@code Group}), GT
 * exponentiation and decoding ({@code Gt}), the policy to monotone span program compiler
 * ({@code Lsss}), the symmetric suites' hash, HKDF and chunk AEAD ({@code SymmetricSuite}), SHA-256
 * ({@code Sha256}) and byte codecs. Public only so that the library's packages can share them;
 * outside the library only the benchmarks use them, to measure them.
 */
package org.medshare.abe.internal;
