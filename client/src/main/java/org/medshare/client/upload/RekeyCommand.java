package org.medshare.client.upload;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medshare.abe.KeyFormatException;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.client.Arguments;
import org.medshare.client.CliFailure;
import org.medshare.client.authority.TrustedAuthority;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.client.login.ConfigDir;
import org.medshare.client.login.ServiceCommand;
import org.medshare.client.login.SessionOptions;
import org.medshare.ledger.event.AttributeEpoch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medshare records rekey} (hospital): after the regulator raised the attribute epoch, moves records uploaded
 * from local FHIR bundles to the new epoch. For each bundle it computes the record id the bundle was uploaded under
 * (the upload's own computation: organisation, and the policy and bytes as the idempotency key), encrypts it again
 * under the same policy with every {@code @OLD} replaced by {@code @NEXT}, and uploads it with the tag
 * {@code replaces=<old record id>}, so the service makes it the record's next version and stops releasing the old one
 * to other organisations.
 *
 * <p>Records uploaded before organisation attributes carried epochs name {@code org:X} bare: rekey gives each such
 * attribute {@code @NEXT} as well. Such a policy may name no epoch at all, or {@code NEXT} already (then only its
 * organisation attributes change), so legacy records move to the current epoch without waiting for a raise.
 *
 * <p>Both the envelope and the analytics rows are encrypted again, not re-wrapped: their keys are derived from the
 * FAME encapsulation itself and the header (policy included) is authenticated data, so a new policy needs a new
 * encapsulation and therefore new payload keys; there is no separately wrapped record key to re-wrap.
 *
 * <p>Exit 0 when every bundle's record is under {@code NEXT} (now or by an earlier run of this command), 1 when any
 * record stays under the old epoch (each is named on stderr with the reason; run again to resume), including one that
 * another upload replaced, since that version may still be under the old epoch, 2 on a usage error.
 */
@Command(
        name = "rekey",
        mixinStandardHelpOptions = true,
        description = {
            "Re-encrypt records uploaded from local FHIR bundles under the next attribute epoch (hospital).",
            "--policy is the policy the bundles were uploaded under; every @OLD epoch in it becomes @NEXT, every bare"
                    + " org:X becomes org:X@NEXT, and each upload replaces the record of the same bundle under the old"
                    + " policy."
        },
        footer = {
            "",
            "Example, after the regulator raised the epoch to 2027Q1:",
            "  medshare records rekey --epoch 2027Q1 \\",
            "      --policy 'org:hospital-b@2026Q4 AND dept:cardiology@2026Q4' sample-data/fhir/hospital-a",
            "Records uploaded with a bare org:X (before organisation epochs) move to the current epoch the same way:",
            "  medshare records rekey --epoch 2026Q4 --policy 'org:hospital-b AND role:physician' sample-data/fhir/hospital-a"
        })
public final class RekeyCommand extends ServiceCommand {
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z0-9_.:@-]+");

    @Option(names = "--epoch", required = true, paramLabel = "NEXT", description = "the new epoch, e.g. 2027Q1")
    String epoch;

    @Option(
            names = "--policy",
            required = true,
            paramLabel = "EXPR",
            description = "the policy the bundles were uploaded under (naming the old epoch)")
    String policy;

    @Option(
            names = "--tag",
            paramLabel = "NAME=VALUE",
            description = "coarse tag disclosed to the service, as in the first upload (repeatable)")
    List<String> tagArgs = new ArrayList<>();

    @Option(names = "--suite", paramLabel = "nist|gm", description = "symmetric suite (default: the authority's)")
    String suite;

    @Option(
            names = "--pseudonym-key",
            paramLabel = "FILE",
            description = "consortium pseudonym key, 32 bytes (default: CONFIG/pseudonym.key)")
    Path pseudonymKey;

    @Option(
            names = "--authority-trust",
            paramLabel = "FILE",
            description = "the key authority's trust anchor (default: CONFIG/authority.trust)")
    Path authorityTrust;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "bundle files or folders")
    List<Path> paths;

    /**
     * A policy moved to the next epoch.
     *
     * @param from   the epoch the old policy names, empty when it names none (only bare {@code org:} attributes)
     * @param legacy whether the old policy names an {@code org:} attribute without an epoch
     * @param policy the rewritten text
     */
    record Rewritten(Optional<AttributeEpoch> from, boolean legacy, String policy) {

        /** What the old policy is under, for messages: its epoch, or that its organisation attributes carry none. */
        String under() {
            return from.map(AttributeEpoch::toString).orElse("org: without epoch");
        }
    }

    /**
     * {@code policy} with the epoch of every attribute that carries one replaced by {@code next}, and {@code @next}
     * added to every {@code org:} attribute that carries none.
     *
     * @throws CliFailure usage error unless the policy parses, names at most one epoch, and {@code next} is after it;
     *     a policy naming a bare {@code org:} attribute may name no epoch, or {@code next} itself
     */
    static Rewritten rewrite(String policy, AttributeEpoch next) {
        Arguments.policy(policy);
        TreeSet<String> epochs = new TreeSet<>();
        boolean legacy = false;
        Matcher m = ATTRIBUTE.matcher(policy);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String token = m.group();
            int at = token.lastIndexOf('@');
            String replaced = token;
            if (at > 0 && token.indexOf(':') > 0) {
                epochs.add(token.substring(at + 1));
                replaced = token.substring(0, at + 1) + next;
            } else if (token.startsWith("org:")) {
                legacy = true;
                replaced = token + "@" + next;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replaced));
        }
        m.appendTail(out);
        if (epochs.size() > 1 || (epochs.isEmpty() && !legacy)) {
            throw CliFailure.usage("--policy must name exactly one epoch (attr@EPOCH), or org:X without one; it names "
                    + (epochs.isEmpty() ? "none" : epochs));
        }
        Optional<AttributeEpoch> from = Optional.empty();
        if (!epochs.isEmpty()) {
            try {
                from = Optional.of(AttributeEpoch.parse(epochs.first()));
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage("--policy names epoch " + epochs.first() + ": " + e.getMessage());
            }
            boolean movesOrganisationsOnly = legacy && from.get().equals(next);
            if (!next.isAfter(from.get()) && !movesOrganisationsOnly) {
                throw CliFailure.usage("--epoch " + next + " is not after the policy's epoch " + from.get());
            }
        }
        Arguments.policy(out.toString());
        return new Rewritten(from, legacy, out.toString());
    }

    @Override
    public Integer call() throws IOException {
        AttributeEpoch next;
        try {
            next = AttributeEpoch.parse(epoch);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("--epoch " + epoch + ": " + e.getMessage());
        }
        Rewritten rewritten = rewrite(policy, next);
        Policy parsed = Arguments.policy(rewritten.policy());
        Map<String, String> tags = UploadCommand.parseTags(tagArgs);
        if (tags.containsKey("replaces")) {
            throw CliFailure.usage("--tag replaces is set by rekey itself");
        }
        Suite explicit = suite == null ? null : Arguments.suite(suite);
        BundleFiles found = BundleFiles.collect(paths);
        ServiceClient service = client();
        PrintWriter out = out();
        PrintWriter err = spec.commandLine().getErr();
        Path config = ConfigDir.ensure(session.configDir());

        HospitalKeys keys;
        PublicParameters params;
        String current;
        try {
            current = Json.text(service.getJson("/api/v1/authority/epochs"), "current");
            keys = HospitalKeys.open(config, service, pseudonymKey);
            params = TrustedAuthority.load(authorityTrust, config).parameters(service);
        } catch (ServiceException e) {
            throw SessionOptions.refused(e);
        } catch (KeyFormatException e) {
            throw CliFailure.verification("the service's public parameters do not parse: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw CliFailure.verification("the hospital signing key in " + config + " is unusable");
        }
        if (!next.toString().equals(current)) {
            throw CliFailure.verification("the consortium's current epoch is " + current + ", not " + next
                    + ": the regulator raises it first (POST /api/v1/authority/epochs)");
        }
        Path spool = ConfigDir.ensure(ConfigDir.ensure(config.resolve("spool")).resolve(keys.organisation()));
        for (Path ignored : found.ignored()) {
            err.println("medshare: not rekeyed " + ignored.getFileName() + ": not a *.json or *.xml file");
        }
        List<String> remaining = new ArrayList<>();
        int done = 0;
        for (Path file : found.files()) {
            String problem = rekey(file, service, keys, params, explicit, parsed, rewritten, tags, spool, out);
            if (problem == null) {
                done++;
            } else {
                remaining.add(file.getFileName() + ": " + problem);
            }
        }
        out.println("rekeyed " + done + " of " + found.files().size() + " bundles to " + next);
        out.flush();
        if (!remaining.isEmpty()) {
            remaining.forEach(r -> err.println("medshare: still under " + rewritten.under() + " " + r));
            throw CliFailure.verification(remaining.size() + " record(s) remain under " + rewritten.under()
                    + " (see above); run the same command again to resume");
        }
        return 0;
    }

    /** Rekeys one bundle; returns null when its record is under the new epoch, else why it is not. */
    private String rekey(
            Path file,
            ServiceClient service,
            HospitalKeys keys,
            PublicParameters params,
            Suite explicit,
            Policy parsed,
            Rewritten rewritten,
            Map<String, String> tags,
            Path spool,
            PrintWriter out) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            return "cannot read the file";
        }
        String oldId = UploadStatement.recordId(keys.organisation(), UploadPreparer.idempotencyKey(policy, content));
        String newId = UploadStatement.recordId(
                keys.organisation(), UploadPreparer.idempotencyKey(rewritten.policy(), content));
        JsonNode old;
        try {
            old = service.getJson("/api/v1/records/" + oldId);
        } catch (ServiceException e) {
            return e.status() == 404
                    ? "no record " + oldId + " was uploaded from this file under --policy"
                    : "record " + oldId + ": " + e.getMessage();
        }
        String supersededBy =
                old.path("supersededBy").isTextual() ? old.path("supersededBy").asText() : null;
        if (newId.equals(supersededBy)) {
            out.println(file.getFileName() + "  " + oldId + " already replaced by " + supersededBy + " (rekeyed)");
            return null;
        }
        if (supersededBy != null) {
            return "record " + oldId + " was replaced by " + supersededBy + ", not by this bundle under the next"
                    + " epoch: rekey the file that version was uploaded from";
        }
        TreeMap<String, String> withReplaces = new TreeMap<>(tags);
        withReplaces.put("replaces", oldId);
        Outcome outcome;
        try {
            RecordUploader uploader = new RecordUploader(
                    service,
                    new UploadPreparer(
                            keys,
                            params,
                            explicit == null ? params.defaultSuite() : explicit,
                            rewritten.policy(),
                            parsed,
                            withReplaces),
                    spool);
            outcome = uploader.upload(file);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (outcome.kind() == Outcome.Kind.REFUSED || outcome.kind() == Outcome.Kind.FAILED) {
            return "record " + oldId + ": " + outcome.reason();
        }
        out.println(file.getFileName() + "  " + oldId + " -> " + outcome.recordId() + " under " + rewritten.policy());
        return null;
    }
}
