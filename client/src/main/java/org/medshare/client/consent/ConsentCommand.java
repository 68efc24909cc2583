package org.medshare.client.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.client.login.ServiceCommand;
import org.medshare.client.records.PatientOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code medshare consent show | permit | deny | clear | revoke --patient ...}: a hospital's consent for one patient.
 * {@code permit} and {@code deny} add one provision to those the consent has; {@code clear} removes them all (then
 * only the hospital's own clinicians, and emergency break-glass access, can obtain the patient's records);
 * {@code revoke} withdraws the consent: no release and no statistics use the patient's records any more.
 */
@Command(
        name = "consent",
        mixinStandardHelpOptions = true,
        description = "Show and change a patient's consent to sharing (hospital).",
        subcommands = {
            ConsentCommand.Show.class,
            ConsentCommand.Permit.class,
            ConsentCommand.Deny.class,
            ConsentCommand.Clear.class,
            ConsentCommand.Revoke.class
        })
public final class ConsentCommand implements Callable<Integer> {
    static final String ORGANISATION = "[a-z0-9][a-z0-9._-]{0,63}";
    static final String PURPOSE = "[A-Z]{2,16}";

    @Override
    public Integer call() {
        throw CliFailure.usage("missing subcommand: show, permit, deny, clear or revoke");
    }

    /** Base of the subcommands: the patient, and the consent the organisation holds for it. */
    abstract static class OnePatient extends ServiceCommand {
        @Mixin
        PatientOption patient;

        /** The id of the organisation's one consent for the patient (exit 1 if it has none). */
        static String consentId(ServiceClient service, String ref) throws ServiceException {
            JsonNode bundle = service.getJson("/api/v1/fhir/Consent?patient=" + ref);
            List<String> ids = new ArrayList<>();
            bundle.path("entry")
                    .forEach(e -> ids.add(e.path("resource").path("id").asText()));
            if (ids.size() != 1) {
                throw new ServiceException(
                        404,
                        null,
                        ids.isEmpty()
                                ? "your organisation holds no consent for patient " + ref
                                        + " (a consent is made when a record of the patient is uploaded)"
                                : "your organisation holds " + ids.size() + " consents for patient " + ref);
            }
            return ids.get(0);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "The patient's consent and provisions.")
    static final class Show extends OnePatient {
        @Override
        public Integer call() {
            String ref = patient.reference(session.configDir());
            return printJson(s -> s.getJson("/api/v1/consents/" + consentId(s, ref)));
        }
    }

    /** Adds one provision. */
    abstract static class AddProvision extends OnePatient {
        @Option(
                names = "--purpose",
                split = ",",
                paramLabel = "CODE",
                description = "HL7 v3 PurposeOfUse codes it applies to, for example TREAT (default: every purpose)")
        List<String> purposes = List.of();

        @Option(
                names = "--to",
                split = ",",
                paramLabel = "ORG",
                description = "recipient organisations it applies to (default: every organisation)")
        List<String> organisations = List.of();

        @Option(names = "--from", paramLabel = "INSTANT", description = "start, ISO-8601 (default: open)")
        String start;

        @Option(names = "--until", paramLabel = "INSTANT", description = "end, excluded, ISO-8601 (default: open)")
        String end;

        abstract String type();

        @Override
        public Integer call() {
            ObjectNode provision = provision();
            String ref = patient.reference(session.configDir());
            return printJson(s -> {
                String id = consentId(s, ref);
                JsonNode current = s.getJson("/api/v1/consents/" + id);
                ArrayNode provisions = Json.object().putArray("provisions");
                current.path("provisions").forEach(provisions::add);
                provisions.add(provision);
                ObjectNode body = Json.object();
                body.set("provisions", provisions);
                return s.putJson("/api/v1/consents/" + id + "/provisions", body);
            });
        }

        private ObjectNode provision() {
            for (String p : purposes) {
                if (!p.matches(PURPOSE)) {
                    throw CliFailure.usage("--purpose takes PurposeOfUse codes such as TREAT, not '" + p + "'");
                }
            }
            for (String o : organisations) {
                if (!o.matches(ORGANISATION)) {
                    throw CliFailure.usage("--to takes organisation ids such as hospital-b, not '" + o + "'");
                }
            }
            ObjectNode p = Json.object().put("type", type());
            purposes.forEach(p.putArray("purposes")::add);
            organisations.forEach(p.putArray("organisations")::add);
            p.put("start", instant("--from", start));
            p.put("end", instant("--until", end));
            return p;
        }

        private static String instant(String option, String text) {
            if (text == null) {
                return null;
            }
            try {
                return Instant.parse(text).toString();
            } catch (DateTimeParseException e) {
                throw CliFailure.usage(option + " must be an ISO-8601 instant such as 2027-01-01T00:00:00Z");
            }
        }
    }

    @Command(
            name = "permit",
            mixinStandardHelpOptions = true,
            description = "Permit releases of the patient's records (to --to, for --purpose, --from/--until).")
    static final class Permit extends AddProvision {
        @Override
        String type() {
            return "permit";
        }
    }

    @Command(
            name = "deny",
            mixinStandardHelpOptions = true,
            description = "Deny releases of the patient's records (to --to, for --purpose, --from/--until); a deny "
                    + "also stops emergency access.")
    static final class Deny extends AddProvision {
        @Override
        String type() {
            return "deny";
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Remove every provision.")
    static final class Clear extends OnePatient {
        @Override
        public Integer call() {
            String ref = patient.reference(session.configDir());
            return printJson(s -> {
                ObjectNode body = Json.object();
                body.putArray("provisions");
                return s.putJson("/api/v1/consents/" + consentId(s, ref) + "/provisions", body);
            });
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = "Revoke the patient's consent: no release or statistics use the records any more.")
    static final class Revoke extends OnePatient {
        @Override
        public Integer call() {
            String ref = patient.reference(session.configDir());
            return printJson(s -> s.postJson("/api/v1/fhir/Consent/" + consentId(s, ref) + "/$revoke", new byte[0])
                    .json());
        }
    }
}
