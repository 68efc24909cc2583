package org.medshare.ledger.replication;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * One party's transport security in the consortium's Raft group: mutual TLS with its own key and certificate, and
 * the consortium's transport root as the only trust anchor. A member's Raft server accepts connections (from other
 * members and from clients such as the service) only from holders of a certificate the root issued, and presents
 * its own; a client does the same. A party without such a certificate cannot append, vote or read through Raft.
 * Immutable; {@link #toString()} names the certificate's subject only.
 */
public final class GroupTls {
    private static final char[] NO_PASSWORD = new char[0];

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final X509Certificate root;

    private GroupTls(PrivateKey key, X509Certificate certificate, X509Certificate root) {
        this.key = key;
        this.certificate = certificate;
        this.root = root;
    }

    /**
     * @param key         the party's private key
     * @param certificate its certificate, issued by {@code root}
     * @param root        the consortium's transport root (every party pins the same one)
     * @throws GeneralSecurityException if {@code root} did not issue {@code certificate}, the certificate is not
     *     valid now, or {@code key} is not the certificate's key
     */
    public static GroupTls of(PrivateKey key, X509Certificate certificate, X509Certificate root)
            throws GeneralSecurityException {
        Objects.requireNonNull(key, "key");
        certificate.checkValidity();
        certificate.verify(root.getPublicKey());
        Signature s = Signature.getInstance("SHA256withECDSA");
        byte[] probe = "medshare group tls key check".getBytes(StandardCharsets.US_ASCII);
        s.initSign(key);
        s.update(probe);
        byte[] signature = s.sign();
        s.initVerify(certificate.getPublicKey());
        s.update(probe);
        if (!s.verify(signature)) {
            throw new GeneralSecurityException("the TLS key is not the key of its certificate");
        }
        return new GroupTls(key, certificate, root);
    }

    /**
     * Reads a party's PEM files: {@code keyFile} a PKCS#8 EC private key, {@code certificateFile} its certificate.
     *
     * @throws IOException if a file cannot be read
     * @throws GeneralSecurityException if a file is not what it should be, or as {@link #of}
     */
    public static GroupTls load(Path keyFile, Path certificateFile, X509Certificate root)
            throws IOException, GeneralSecurityException {
        PrivateKey key = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Pem.decode(Files.readString(keyFile), "PRIVATE KEY")));
        return of(key, Pem.certificate(Files.readString(certificateFile)), root);
    }

    /** The transport root this party trusts. */
    public X509Certificate root() {
        return root;
    }

    /** The party's certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Ratis parameters that make a member's server, its clients and admin calls use {@code tls}'s mutual TLS (none
     * for null: a group without TLS).
     */
    static Parameters parametersOf(GroupTls tls) {
        Parameters parameters = new Parameters();
        if (tls == null) {
            return parameters;
        }
        GrpcTlsConfig config = tls.config();
        GrpcConfigKeys.Server.setTlsConf(parameters, config);
        GrpcConfigKeys.Client.setTlsConf(parameters, config);
        GrpcConfigKeys.Admin.setTlsConf(parameters, config);
        return parameters;
    }

    private GrpcTlsConfig config() {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("party", key, NO_PASSWORD, new X509Certificate[] {certificate});
            KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            km.init(keys, NO_PASSWORD);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("root", root);
            TrustManagerFactory tm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tm.init(trusted);
            return new GrpcTlsConfig(km.getKeyManagers()[0], tm.getTrustManagers()[0], true);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS for the Raft group", e);
        }
    }

    @Override
    public String toString() {
        return "GroupTls[" + certificate.getSubjectX500Principal().getName() + "]";
    }

    /** PEM (RFC 7468) text: one labelled base64 block. */
    public static final class Pem {
        private Pem() {}

        /** {@code -----BEGIN label-----}, the base64 of {@code der} in lines of 64, {@code -----END label-----}. */
        public static String encode(String label, byte[] der) {
            return "-----BEGIN " + label + "-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(der)
                    + "\n-----END " + label + "-----\n";
        }

        /**
         * The bytes of the first {@code label} block of {@code text}.
         *
         * @throws GeneralSecurityException if there is no such block or it is not base64
         */
        public static byte[] decode(String text, String label) throws GeneralSecurityException {
            String begin = "-----BEGIN " + label + "-----";
            String end = "-----END " + label + "-----";
            int from = text.indexOf(begin);
            int to = from < 0 ? -1 : text.indexOf(end, from);
            if (to < 0) {
                throw new GeneralSecurityException("no PEM " + label + " block");
            }
            try {
                return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
            } catch (IllegalArgumentException e) {
                throw new GeneralSecurityException("the PEM " + label + " block is not base64");
            }
        }

        /** The certificate in the first CERTIFICATE block of {@code text}. */
        public static X509Certificate certificate(String text) throws GeneralSecurityException {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(decode(text, "CERTIFICATE")));
        }
    }
}
