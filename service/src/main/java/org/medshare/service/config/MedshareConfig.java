package org.medshare.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The service's own configuration, under {@code medshare.*}. */
@ConfigMapping(prefix = "medshare")
public interface MedshareConfig {

    /** Where the embedded default keeps its database, shards, ledger, keys and logs. */
    @WithName("data-dir")
    Path dataDir();

    Store store();

    Ledger ledger();

    Records records();

    Enclave enclave();

    Privacy privacy();

    Queries queries();

    Payments payments();

    Console console();

    Anchor anchor();

    /**
     * Anchoring of the ledger's final checkpoints on an external EVM chain (a {@code CheckpointAnchor}
     * contract, through web3j). Off unless {@link #rpcUrl()} is set.
     */
    interface Anchor {
        /** JSON-RPC URL (http or https) of a node of the chain; anchoring is off without it. */
        @WithName("rpc-url")
        Optional<URI> rpcUrl();

        /**
         * The {@code CheckpointAnchor} contract's address. Without it the service deploys one (with its own
         * account as the anchoring account) on first use and keeps the address in
         * {@code data-dir/anchor/contract}.
         */
        Optional<String> contract();

        /**
         * The anchoring account's key file: its secp256k1 private key as 64 hex digits, readable by the
         * service only; the account pays for the transactions. Default {@code data-dir/anchor/anchor.key}.
         */
        @WithName("key-file")
        Optional<Path> keyFile();

        /** Anchor once the latest checkpoint covers this many new entries (ANCHORED entries not counted). */
        @WithName("every-entries")
        @WithDefault("1000")
        long everyEntries();

        /** Anchor new entries, however few, once this long has passed since the last anchor. */
        @WithDefault("PT10M")
        Duration every();

        /** How often the service looks at the latest checkpoint. */
        @WithName("poll-interval")
        @WithDefault("PT5S")
        Duration pollInterval();

        /** First wait after a failure to reach the chain; doubled after each further failure. */
        @WithName("retry-initial")
        @WithDefault("PT2S")
        Duration retryInitial();

        /** Longest wait between two attempts while the chain is unreachable. */
        @WithName("retry-max")
        @WithDefault("PT2M")
        Duration retryMax();

        /** Bound on one request to the chain and on the wait for a transaction's receipt. */
        @WithName("rpc-timeout")
        @WithDefault("PT30S")
        Duration rpcTimeout();
    }

    /** The web console served under {@code /console/}. */
    interface Console {
        /** The public OIDC client (authorization code + PKCE) the console logs in with. */
        @WithName("client-id")
        @WithDefault("medshare-console")
        String clientId();
    }

    /**
     * The erasure-coded shard store: its storage nodes ({@link #nodes()}; without any, the embedded default of
     * {@link #localNodes()} directories under {@code data-dir/store}), RS(k, n) and the scrub schedule.
     */
    interface Store {
        /**
         * The storage nodes by id ({@code medshare.store.nodes.<id>.*}); empty for the embedded default. The
         * shards of a stripe are spread so that no organisation holds more than {@code min(n - k, k - 1)}:
         * the service refuses to start with nodes at too few organisations.
         */
        Map<String, Node> nodes();

        /** With no {@link #nodes()}: how many local directories, each its own organisation; at least n. */
        @WithName("local-nodes")
        @WithDefault("6")
        int localNodes();

        /** Data shards per stripe. */
        @WithDefault("4")
        int k();

        /** Total shards per stripe (data + parity). */
        @WithDefault("6")
        int n();

        /** Time between two scrub passes (re-hash every shard, repair what is damaged); zero disables them. */
        @WithName("scrub-interval")
        @WithDefault("PT6H")
        Duration scrubInterval();

        /** Time from start to the first scrub pass. */
        @WithName("scrub-initial-delay")
        @WithDefault("PT10M")
        Duration scrubInitialDelay();
    }

    /**
     * One storage node. Credentials are never configuration values: an S3 node names the environment variables
     * or the file that hold them.
     */
    interface Node {
        /** The organisation that runs the node: its failure domain. */
        String organisation();

        /** {@code local} (a directory), {@code s3} (any S3-compatible endpoint) or {@code hdfs} (a Hadoop file system). */
        @WithDefault("local")
        String backend();

        /**
         * The node's relative capacity: placement offers a node of weight 2 twice the shards of a node of weight 1,
         * within the limit per organisation. Between 0.001 and 1000000.
         */
        @WithDefault("1")
        double weight();

        /**
         * local: the directory (default {@code data-dir/store/<id>}); hdfs: the absolute directory in the file system
         * (required).
         */
        Optional<Path> path();

        /** hdfs: the file system, for example {@code hdfs://namenode.hospital-a.example:8020}. */
        Optional<URI> uri();

        /** s3: the endpoint URL, for example {@code https://minio.hospital-a.example:9000}. */
        Optional<URI> endpoint();

        /** s3: the bucket (created by the organisation beforehand). */
        Optional<String> bucket();

        /** s3: the signing region. */
        @WithDefault("us-east-1")
        String region();

        /** s3: the key prefix of the shards. */
        @WithDefault("shards/")
        String prefix();

        /** s3: path-style requests ({@code endpoint/bucket/key}), as MinIO, Ceph RGW and S3Proxy expect. */
        @WithName("path-style")
        @WithDefault("true")
        boolean pathStyle();

        /** s3: the environment variable holding the access key id. */
        @WithName("access-key-env")
        Optional<String> accessKeyEnv();

        /** s3: the environment variable holding the secret access key. */
        @WithName("secret-key-env")
        Optional<String> secretKeyEnv();

        /**
         * s3: a file with the lines {@code access-key=...} and {@code secret-key=...} (instead of the environment
         * variables).
         */
        @WithName("credentials-file")
        Optional<Path> credentialsFile();
    }

    /** The audit ledger: embedded (one member in this process) or the consortium's, replicated by its nodes. */
    interface Ledger {
        /** {@code nist} (SHA-256, Ed25519) or {@code gm} (SM3, SM2). */
        @WithDefault("nist")
        String suite();

        /** The checkpoint origin line. */
        @WithDefault("medshare.example/ledger")
        String origin();

        /**
         * A checkpoint is signed after at most this many milliseconds with unsigned events. Every upload waits
         * for the checkpoint that covers it (its receipt proves inclusion against it), so this bounds upload
         * latency; one signature covers all events of the interval.
         */
        @WithName("checkpoint-interval-ms")
        @WithDefault("50")
        long checkpointIntervalMs();

        /**
         * The consortium file (origin, Raft group, suite, quorum, and each organisation's node with its addresses and
         * checkpoint key). When set, the service is a client of the consortium's ledger group: it submits every event
         * to the group, keeps a replica under {@code data-dir/ledger} and signs no checkpoint; only the members'
         * quorum of cosignatures makes one final. {@code origin} and {@code suite} then come from this file.
         */
        Optional<Path> consortium();

        /** With a consortium: how long an event waits for the group before the request is refused with 503. */
        @WithName("group-timeout-ms")
        @WithDefault("10000")
        long groupTimeoutMs();

        /**
         * With a consortium whose file pins a {@code tls-root}: the service's transport key (PEM PKCS#8, from
         * {@code medshare node tls-cert --name service}), with which it authenticates to the group by mutual TLS.
         */
        @WithName("tls-key")
        Optional<Path> tlsKey();

        /** The service's transport certificate under the consortium's {@code tls-root}, with {@code tls-key}. */
        @WithName("tls-cert")
        Optional<Path> tlsCert();
    }

    /** Limits and rules for uploaded records. */
    interface Records {
        /** Largest accepted record envelope, in bytes. */
        @WithName("max-envelope-bytes")
        @WithDefault("16777216")
        long maxEnvelopeBytes();

        /** Largest accepted encrypted analytics rows, in bytes. */
        @WithName("max-rows-bytes")
        @WithDefault("16777216")
        long maxRowsBytes();

        /**
         * The attribute epoch ({@code YYYYQn}) before the regulator's first raise: {@code dept:} and {@code purpose:}
         * attributes in new policies must carry the current epoch, which raises (stored in the database) move on
         * from this one.
         */
        @WithName("current-epoch")
        @WithDefault("2026Q4")
        String currentEpoch();

        /**
         * The symmetric suite of the records' analytics rows as the enclaves open them: {@code nist} (AES-256-GCM) or
         * {@code gm} (SM4-GCM).
         */
        @WithDefault("nist")
        String suite();
    }

    /** Differential privacy of the insurers' queries. */
    interface Privacy {
        /** The total ε each insurer may spend over all its queries. */
        @WithName("budget-per-insurer")
        @WithDefault("10.0")
        double budgetPerInsurer();

        /**
         * The ε each hospital's dataset may give up per {@link #hospitalBudgetPeriod() period} to all insurers'
         * queries together, unless the hospital set its own limit.
         */
        @WithName("budget-per-hospital")
        @WithDefault("10.0")
        double budgetPerHospital();

        /** The hospitals' budget period, a calendar period in UTC: {@code P1D}, {@code P1M} or {@code P1Y}. */
        @WithName("hospital-budget-period")
        @WithDefault("P1M")
        String hospitalBudgetPeriod();
    }

    /**
     * The HL7 v3 PurposeOfUse of insurers' queries, by the namespace (purpose) of their template, so that the
     * patients' consent provisions apply to statistics as they do to record release.
     */
    interface Queries {
        /**
         * Template namespace → PurposeOfUse code, e.g. {@code medshare.queries.purposes."insurance-stats"=HPAYMT};
         * namespaces not listed get {@link #defaultPurpose()}.
         */
        Map<String, String> purposes();

        /** The PurposeOfUse code of templates whose namespace {@link #purposes()} does not list. */
        @WithName("default-purpose")
        @WithDefault("HRESCH")
        String defaultPurpose();
    }

    /** The incentive contract's prices. */
    interface Payments {
        /** What an insurer pays per record a query used, in the contract's smallest unit. */
        @WithName("price-per-record")
        @WithDefault("2500000")
        long pricePerRecord();
    }

    /** The simulated enclaves. */
    interface Enclave {
        /** Start them with the service, so that {@code data-dir/enclave/authority.trust} exists from the start. */
        @WithName("start-at-boot")
        @WithDefault("true")
        boolean startAtBoot();

        /**
         * The consortium's party keys file (regulators' query-approval keys, hospitals' key-grant keys; see {@code
         * PartyKeys}), which the key authority is started trusting. Unset: no query can be approved and no clinician
         * key issued.
         */
        @WithName("party-keys")
        Optional<Path> partyKeys();
    }
}
