package org.medshare.ledger.consortium;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.replication.GroupTls;
import org.medshare.ledger.replication.MemberDirectory;
import org.medshare.ledger.replication.MemberKey;

/**
 * The consortium file: what every node, the service and every regulator agree on about the replicated ledger. One
 * ledger member per organisation, so a member is named by its organisation id and a quorum of members is a quorum
 * of distinct organisations. The file holds public material only and is the same at every party:
 *
 * <pre>
 * # comments and blank lines are ignored
 * origin medshare.example/consortium
 * group  3f0c6a5e-6b0b-4c67-9a53-0d1f2a7c9b10
 * suite  nist
 * quorum 2                        (optional: a majority of the members by default)
 * member hospital-a 127.0.0.1:19301 127.0.0.1:19311 hospital-a+5d2c0f3e+BA...
 * tls-root MIIB...                (optional: base64 DER of the transport root; then mutual TLS in the group)
 * </pre>
 *
 * A member line gives the organisation, its Raft (gRPC) address, its read-only HTTP address and its checkpoint
 * verifier key, whose key name must be the organisation. An Ed25519 member key may be written as a C2SP
 * tlog-cosignature key (type 0x04, as {@code medshare node keygen} prints it) or as a plain signed-note key (type
 * 0x01); either way the member cosigns in the cosignature/v1 format and {@link Member#key()} is its cosigner key.
 * Immutable.
 *
 * @param origin  the log's checkpoint origin line
 * @param groupId the Raft group id
 * @param suite   the ledger's hash and signature suite
 * @param quorum  distinct members whose cosignatures make a checkpoint final; at least a majority
 * @param members every member in file order
 * @param tlsRoot the consortium's transport root ({@link TransportCa}): when given, every party authenticates in
 *     the Raft group with mutual TLS under it and nothing else may connect; null for a group without TLS
 */
public record Consortium(
        String origin, UUID groupId, LedgerSuite suite, int quorum, List<Member> members, X509Certificate tlsRoot) {

    private static final Pattern ORGANISATION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * One member node.
     *
     * @param organisation the organisation that runs it (its member id)
     * @param raft         where its Raft server listens
     * @param http         where its read-only HTTP server listens
     * @param key          its checkpoint verifier, named by the organisation
     */
    public record Member(String organisation, InetSocketAddress raft, InetSocketAddress http, NoteVerifier key) {
        public Member {
            Objects.requireNonNull(organisation, "organisation");
            Objects.requireNonNull(raft, "raft");
            Objects.requireNonNull(http, "http");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * @throws IllegalArgumentException if the members are empty or repeat an organisation or an address, a key is
     *     not named by its organisation, or the quorum is not between a majority and the number of members
     */
    public Consortium {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(suite, "suite");
        members = List.copyOf(members);
        if (origin.isBlank() || !origin.equals(origin.strip())) {
            throw new IllegalArgumentException("origin must be a non-empty line without surrounding spaces");
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a consortium needs at least one member");
        }
        Set<String> organisations = new HashSet<>();
        Set<InetSocketAddress> addresses = new HashSet<>();
        for (Member m : members) {
            if (!ORGANISATION.matcher(m.organisation()).matches()) {
                throw new IllegalArgumentException(
                        "member " + m.organisation() + ": an organisation id is 1-64 of" + " [A-Za-z0-9._-]");
            }
            if (!organisations.add(m.organisation())) {
                throw new IllegalArgumentException(
                        "member " + m.organisation() + " is listed twice (one member per" + " organisation)");
            }
            if (!m.key().keyName().equals(m.organisation())) {
                throw new IllegalArgumentException("member " + m.organisation() + ": its key is named "
                        + m.key().keyName() + ", not by the organisation");
            }
            if (!addresses.add(m.raft()) || !addresses.add(m.http())) {
                throw new IllegalArgumentException("member " + m.organisation() + " reuses an address");
            }
        }
        int majority = members.size() / 2 + 1;
        if (quorum < majority || quorum > members.size()) {
            throw new IllegalArgumentException("quorum " + quorum + " must be between a majority of the members ("
                    + majority + ") and their number (" + members.size() + "): a smaller quorum would let a"
                    + " minority of organisations make a checkpoint final");
        }
    }

    /** A consortium whose group runs without TLS. */
    public Consortium(String origin, UUID groupId, LedgerSuite suite, int quorum, List<Member> members) {
        this(origin, groupId, suite, quorum, members, null);
    }

    /** The transport root every party pins, when the group runs with mutual TLS. */
    public Optional<X509Certificate> transportRoot() {
        return Optional.ofNullable(tlsRoot);
    }

    /**
     * Checks that {@code tls} is what this consortium's group requires of a party: its transport root's
     * certificate when the file pins a {@code tls-root}, none otherwise.
     *
     * @throws IllegalArgumentException saying what is missing or does not match
     */
    public void checkTransport(GroupTls tls) {
        if (tlsRoot == null && tls != null) {
            throw new IllegalArgumentException("the consortium file pins no tls-root, so its group runs without TLS");
        }
        if (tlsRoot != null && tls == null) {
            throw new IllegalArgumentException(
                    "the consortium's group runs with mutual TLS (tls-root): give this party's transport key and"
                            + " certificate");
        }
        if (tls != null && !tls.root().equals(tlsRoot)) {
            throw new IllegalArgumentException("the transport certificate is not under the consortium's tls-root");
        }
    }

    /**
     * Parses a consortium file.
     *
     * @throws IllegalArgumentException naming the line (1-based) of the first problem
     */
    public static Consortium parse(String text) {
        String origin = null;
        UUID group = null;
        LedgerSuite suite = null;
        Integer quorum = null;
        X509Certificate tlsRoot = null;
        List<Member> members = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            String where = "line " + (n + 1) + ": ";
            try {
                switch (words[0]) {
                    case "origin" -> {
                        origin = once(
                                origin,
                                "origin",
                                line.substring("origin".length()).strip());
                    }
                    case "group" -> group = once(group, "group", UUID.fromString(single(words)));
                    case "suite" -> suite = once(suite, "suite", LedgerSuite.fromId(single(words)));
                    case "quorum" -> quorum = once(quorum, "quorum", Integer.parseInt(single(words)));
                    case "member" -> members.add(member(words));
                    case "tls-root" -> tlsRoot = once(tlsRoot, "tls-root", certificate(single(words)));
                    default -> throw new IllegalArgumentException("unknown directive '" + words[0] + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        if (origin == null || group == null || suite == null) {
            throw new IllegalArgumentException("a consortium file needs origin, group and suite lines");
        }
        return new Consortium(origin, group, suite, quorum == null ? members.size() / 2 + 1 : quorum, members, tlsRoot);
    }

    private static <T> T once(T previous, String directive, T value) {
        if (previous != null) {
            throw new IllegalArgumentException(directive + " is given twice");
        }
        return value;
    }

    private static String single(String[] words) {
        if (words.length != 2) {
            throw new IllegalArgumentException(words[0] + " takes exactly one value");
        }
        return words[1];
    }

    private static X509Certificate certificate(String base64) {
        try {
            X509Certificate root = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(
                            new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
            root.checkValidity();
            root.verify(root.getPublicKey());
            return root;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "tls-root must be the base64 DER of a valid self-signed certificate (medshare node tls-ca)");
        }
    }

    private static Member member(String[] words) {
        if (words.length != 5) {
            throw new IllegalArgumentException("member takes ORGANISATION RAFT-HOST:PORT HTTP-HOST:PORT VERIFIER-KEY");
        }
        NoteVerifier key;
        try {
            key = MemberKey.cosignatureKey(NoteKeys.parseVerifier(words[4]));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("member " + words[1] + ": " + e.getMessage(), e);
        }
        return new Member(words[1], address(words[2]), address(words[3]), key);
    }

    /** Parses {@code host:port} (an IPv6 host in brackets) without resolving the host. */
    static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port");
        }
        if (port < 1 || port > 65535 || host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT with a port in 1..65535");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** @return the member run by {@code organisation} */
    public Member member(String organisation) {
        return members.stream()
                .filter(m -> m.organisation().equals(organisation))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(organisation + " is not a member of the consortium"));
    }

    /** @return every member's checkpoint verifier, by organisation */
    public MemberDirectory directory() {
        Map<String, NoteVerifier> keys = new LinkedHashMap<>();
        members.forEach(m -> keys.put(m.organisation(), m.key()));
        return new MemberDirectory(keys);
    }

    /** @return every member's Raft address, by organisation, in file order */
    public Map<String, InetSocketAddress> raftPeers() {
        Map<String, InetSocketAddress> peers = new LinkedHashMap<>();
        members.forEach(m -> peers.put(m.organisation(), m.raft()));
        return peers;
    }
}
