package org.medshare.ledger.consortium;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.medshare.ledger.replication.GroupTls;

/**
 * The consortium's transport certificate authority: an ECDSA P-256 root that issues the TLS certificates with which
 * the organisations' nodes and the service authenticate to each other in the Raft group ({@link GroupTls}). Its root
 * certificate is pinned in the consortium file ({@code tls-root}); whoever holds its key decides who may connect, so
 * it is kept by the consortium's governance (in the demo: a file beside the nodes' folders). P-256, not the
 * ledger's signature suite, because every TLS stack accepts it; the ledger's own signatures stay Ed25519 or SM2.
 */
public final class TransportCa {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    private static final Duration PARTY_VALIDITY = Duration.ofDays(825);

    private final PrivateKey key;
    private final X509Certificate root;
    private final SecureRandom random = new SecureRandom();

    private TransportCa(PrivateKey key, X509Certificate root) {
        this.key = key;
        this.root = root;
    }

    /** A party's fresh key and the certificate this authority issued for it. */
    public record Issued(PrivateKey key, X509Certificate certificate) {
        public Issued {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(certificate, "certificate");
        }

        /** The private key as PEM PKCS#8 (for an owner-only file). */
        public String keyPem() {
            return GroupTls.Pem.encode("PRIVATE KEY", key.getEncoded());
        }

        /** The certificate as PEM. */
        public String certificatePem() throws GeneralSecurityException {
            return GroupTls.Pem.encode("CERTIFICATE", certificate.getEncoded());
        }

        /** Names the certificate's subject only. */
        @Override
        public String toString() {
            return "Issued[" + certificate.getSubjectX500Principal().getName() + "]";
        }
    }

    /** A new authority with a fresh key and a self-signed root named {@code name}. */
    public static TransportCa create(String name) throws GeneralSecurityException {
        KeyPair pair = newKeyPair();
        X500Name subject = new X500Name("CN=" + checkedName(name) + ",O=MedShare consortium transport");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                subject,
                BigInteger.ONE,
                Date.from(now.minusSeconds(60)),
                Date.from(now.plus(ROOT_VALIDITY)),
                subject,
                pair.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot build the transport root", e);
        }
        return new TransportCa(pair.getPrivate(), sign(builder, pair.getPrivate()));
    }

    /**
     * The authority of a stored key and root (PEM texts as {@link #keyPem()} and {@link #rootPem()} write them).
     *
     * @throws GeneralSecurityException if either text is malformed or the key is not the root's key
     */
    public static TransportCa load(String keyPem, String rootPem) throws GeneralSecurityException {
        PrivateKey key = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(GroupTls.Pem.decode(keyPem, "PRIVATE KEY")));
        X509Certificate root = GroupTls.Pem.certificate(rootPem);
        TransportCa ca = new TransportCa(key, root);
        ca.issue("key-check", List.of()).certificate().verify(root.getPublicKey());
        return ca;
    }

    /**
     * Issues a fresh key and certificate to party {@code name} (an organisation id, or {@code service}), valid for
     * client and server authentication at {@code hosts} (IP addresses or DNS names; the hosts of its Raft address).
     */
    public Issued issue(String name, List<String> hosts) throws GeneralSecurityException {
        KeyPair pair = newKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                root,
                new BigInteger(96, random).setBit(95),
                Date.from(now.minusSeconds(60)),
                Date.from(now.plus(PARTY_VALIDITY)),
                new X500Principal("CN=" + checkedName(name)),
                pair.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                    }));
            if (!hosts.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hosts));
            }
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot build the certificate of " + name, e);
        }
        return new Issued(pair.getPrivate(), sign(builder, key));
    }

    /** The root certificate, pinned by every party. */
    public X509Certificate root() {
        return root;
    }

    /** The root certificate as PEM. */
    public String rootPem() throws GeneralSecurityException {
        return GroupTls.Pem.encode("CERTIFICATE", root.getEncoded());
    }

    /** The authority's private key as PEM PKCS#8 (for an owner-only file). */
    public String keyPem() {
        return GroupTls.Pem.encode("PRIVATE KEY", key.getEncoded());
    }

    private static GeneralNames alternativeNames(List<String> hosts) {
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            boolean address = host.matches("[0-9.]+") || host.contains(":");
            if (address) {
                try {
                    InetAddress.getByName(host); // a literal: parsed, never looked up
                } catch (IOException e) {
                    throw new IllegalArgumentException("'" + host + "' is not an IP address");
                }
            } else if (!host.matches("[A-Za-z0-9.-]{1,253}")) {
                throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
            }
            names.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    private static String checkedName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a transport certificate name is 1-64 of [A-Za-z0-9._-]");
        }
        return name;
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign a transport certificate", e);
        }
    }

    /** Names the root only. */
    @Override
    public String toString() {
        return "TransportCa[" + root.getSubjectX500Principal().getName() + "]";
    }
}
