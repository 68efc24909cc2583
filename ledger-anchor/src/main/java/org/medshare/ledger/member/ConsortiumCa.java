package org.medshare.ledger.member;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.NoteVerifier;

/**
 * The consortium certificate authority: a self-signed root (Ed25519 for {@code nist}, SM2/SM3 for
 * {@code gm}) that issues end-entity certificates binding a member id (subject CN) to the member's
 * checkpoint signing public key. The CA private key stays inside this object.
 */
public final class ConsortiumCa {
    private static final Provider BC = new BouncyCastleProvider();

    private final LedgerSuite suite;
    private final PrivateKey key;
    private final X509Certificate root;
    private final SecureRandom random = new SecureRandom();

    private ConsortiumCa(LedgerSuite suite, PrivateKey key, X509Certificate root) {
        this.suite = suite;
        this.key = key;
        this.root = root;
    }

    /** Creates a CA with a fresh key and a self-signed root valid for {@code validity}. */
    public static ConsortiumCa create(String name, LedgerSuite suite, Duration validity)
            throws GeneralSecurityException {
        KeyPair kp;
        if (suite == LedgerSuite.NIST) {
            kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } else {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
            g.initialize(new ECGenParameterSpec("sm2p256v1"));
            kp = g.generateKeyPair();
        }
        X500Name subject = new X500Name("CN=" + name + ",O=MedShare consortium");
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                            subject,
                            BigInteger.ONE,
                            Date.from(now.minusSeconds(60)),
                            Date.from(now.plus(validity)),
                            subject,
                            kp.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(
                            Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            X509Certificate root = new JcaX509CertificateConverter()
                    .setProvider(BC)
                    .getCertificate(b.build(signer(suite, kp.getPrivate())));
            return new ConsortiumCa(suite, kp.getPrivate(), root);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot build the CA certificate", e);
        }
    }

    public X509Certificate rootCertificate() {
        return root;
    }

    public LedgerSuite suite() {
        return suite;
    }

    /**
     * Issues a member certificate: subject {@code CN=<memberId>}, the member's checkpoint verification
     * key, digitalSignature only, not a CA, valid from now for {@code validity}.
     */
    public X509Certificate issue(String memberId, NoteVerifier memberKey, Duration validity)
            throws GeneralSecurityException {
        return issue(
                memberId,
                NoteKeys.publicKeyOf(memberKey),
                Instant.now().minusSeconds(60),
                Instant.now().plus(validity));
    }

    /** As {@link #issue(String, NoteVerifier, Duration)} with an explicit validity window (tests of expiry). */
    public X509Certificate issue(String memberId, PublicKey memberKey, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException {
        if (!memberId.matches("[A-Za-z0-9_.:@/-]{1,128}")) {
            throw new IllegalArgumentException("member id must be a valid note key name of [A-Za-z0-9_.:@/-]");
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                            X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                            new BigInteger(96, random).setBit(95),
                            Date.from(notBefore),
                            Date.from(notAfter),
                            new X500Name("CN=" + memberId),
                            memberKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
            return new JcaX509CertificateConverter().setProvider(BC).getCertificate(b.build(signer(suite, key)));
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot build the member certificate", e);
        }
    }

    private static ContentSigner signer(LedgerSuite suite, PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaContentSignerBuilder(suite == LedgerSuite.NIST ? "Ed25519" : "SM3withSM2")
                    .setProvider(BC)
                    .build(key);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot create the CA signer", e);
        }
    }

    @Override
    public String toString() {
        return "ConsortiumCa["
                + new X500Principal(root.getSubjectX500Principal().getEncoded()).getName() + "]";
    }
}
