package org.medshare.service.audit.fhir;

import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.FieldKind;
import org.medshare.service.ledger.LedgerService.LedgerEntry;

/**
 * The audit ledger as FHIR R4 AuditEvent resources, after the IHE Basic Audit Log Patterns
 * (https://profiles.ihe.net/ITI/BALP/): {@code type} = audit-event-type {@code rest}, {@code subtype} = the
 * FHIR RESTful interaction the event stands for, the DICOM agent roles Source Role ID (110153, the client
 * party) and Destination Role ID (110152, the MedShare service), the user agent typed per BALP's UserAgentTypes
 * ({@code AGNT} for push/create/update, {@code IRCP} for read/query), {@code source} = the audit ledger as an
 * Application Server (security-source-type 4), and entities with the object-role codes Domain Resource (4),
 * Query (24) and Security Resource (13).
 *
 * <table>
 *   <caption>Mapping</caption>
 *   <tr><th>ledger event</th><th>subtype</th><th>action</th><th>user agent</th><th>entities</th></tr>
 *   <tr><td>UPLOAD</td><td>create</td><td>C</td><td>hospital, AGNT</td><td>record (4), content and policy hash</td></tr>
 *   <tr><td>RECORD_VERSIONED</td><td>update</td><td>U</td><td>hospital, AGNT</td><td>record (4), the version it
 *       replaces</td></tr>
 *   <tr><td>ERASED</td><td>delete</td><td>D</td><td>hospital, AGNT</td><td>record (4)</td></tr>
 *   <tr><td>ACCESS</td><td>read</td><td>R</td><td>clinician, IRCP</td><td>record (4), purpose; purposeOfEvent =
 *       the HL7 v3 PurposeOfUse code, when the purpose starts with one</td></tr>
 *   <tr><td>BREAK_GLASS</td><td>read</td><td>R</td><td>clinician, IRCP</td><td>record (4), purpose, salted reason
 *       hash; purposeOfEvent = the PurposeOfUse code (ETREAT)</td></tr>
 *   <tr><td>QUERY_SUBMITTED</td><td>create</td><td>C</td><td>insurer, AGNT</td><td>query (24), query hash</td></tr>
 *   <tr><td>QUERY_APPROVED</td><td>update</td><td>U</td><td>regulator, AGNT</td><td>query (24)</td></tr>
 *   <tr><td>COMPUTE</td><td>operation</td><td>E</td><td>enclave, application (110150)</td><td>query (24); input root,
 *       result hash, measurement, record count</td></tr>
 *   <tr><td>PAYMENT</td><td>operation</td><td>E</td><td>payer AGNT, payee IRCP</td><td>query (24); amount, records,
 *       transaction hash</td></tr>
 *   <tr><td>CONSENT_REVOKED</td><td>update</td><td>U</td><td>hospital, AGNT</td><td>Consent or record (4); salted
 *       subject hash</td></tr>
 *   <tr><td>CONSENT_CHANGED</td><td>update</td><td>U</td><td>hospital, AGNT</td><td>Consent (4); version and salted
 *       provisions hash</td></tr>
 *   <tr><td>KEY_ISSUED</td><td>create</td><td>C</td><td>key authority 110150; recipient IRCP</td><td>key (13);
 *       salted attribute hash</td></tr>
 *   <tr><td>CONTRACT_CALL</td><td>operation</td><td>E</td><td>calling organisation, AGNT</td><td>contract state
 *       root (4); call data (base64), state root</td></tr>
 *   <tr><td>ANCHORED</td><td>operation</td><td>E</td><td>the service, application (110150)</td><td>anchoring
 *       transaction (4); chain id, contract, transaction hash, block number, tree size and root</td></tr>
 *   <tr><td>SIGNING_KEY_REVOKED</td><td>delete</td><td>D</td><td>hospital, AGNT</td><td>signing key (13)</td></tr>
 *   <tr><td>DATA_USE_RULES_CHANGED</td><td>update</td><td>U</td><td>hospital, AGNT</td><td>the hospital's data-use
 *       rules (13); every rule in force</td></tr>
 *   <tr><td>DISCLOSURE_LIMITS_CHANGED</td><td>update</td><td>U</td><td>hospital, AGNT</td><td>the hospital's
 *       disclosure limits (13); the limits in force</td></tr>
 *   <tr><td>ORGANISATION_SUSPENDED / ORGANISATION_REINSTATED</td><td>update</td><td>U</td><td>regulator, AGNT</td>
 *       <td>the organisation (13); reason code</td></tr>
 *   <tr><td>EPOCH_RAISED</td><td>update</td><td>U</td><td>regulator, AGNT</td><td>the new attribute epoch (13);
 *       the previous epoch</td></tr>
 *   <tr><td>PARTY_KEY_REGISTERED</td><td>create</td><td>C</td><td>operator, AGNT</td><td>the party key (13);
 *       organisation and role</td></tr>
 *   <tr><td>BUDGET_CHARGED / BUDGET_REFUNDED</td><td>operation</td><td>E</td><td>the service, application
 *       (110150); the insurer or hospital whose budget, IRCP</td><td>query (24); period, ε, δ, the period's limit</td></tr>
 *   <tr><td>MEMBER_ADMITTED / MEMBER_REMOVED</td><td>create / delete</td><td>C / D</td><td>administrator, AGNT</td>
 *       <td>member (13)</td></tr>
 * </table>
 *
 * The BALP profiles also expect network addresses of client and server, which the ledger deliberately does not
 * hold (ids and hashes only), so no {@code meta.profile} conformance is claimed; the resources are plain R4
 * AuditEvents that follow BALP's coding. Every event keeps its ledger index ({@code AuditEvent.id} =
 * {@code ledger-<index>}, and an identifier), so an auditor can check it against an inclusion proof.
 */
public final class BalpAuditEvents {

    static final String AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    static final String RESTFUL = "http://hl7.org/fhir/restful-interaction";
    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String ROLE_CLASS = "http://terminology.hl7.org/CodeSystem/v3-RoleClass";
    static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    /** HL7 v3 ActReason, the code system of the PurposeOfUse value set. */
    static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    /** Identifier systems of MedShare's ids. */
    public static final String LEDGER = "urn:medshare:ledger-index";

    static final String PARTY = "urn:medshare:party";
    /** Base of the entries' fullUrl (the resource identity a Bundle entry requires), as for problem types. */
    static final String FULL_URL_BASE = "https://medshare.example/fhir/";

    private final String ledgerOrigin;

    /** @param ledgerOrigin the ledger's checkpoint origin (names the observer) */
    public BalpAuditEvents(String ledgerOrigin) {
        this.ledgerOrigin = ledgerOrigin;
    }

    /** A Bundle of type {@code collection} with one AuditEvent per entry, in ledger order. */
    public Bundle bundle(List<LedgerEntry> entries) {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.setTimestamp(new Date());
        for (LedgerEntry e : entries) {
            bundle.addEntry()
                    .setFullUrl(FULL_URL_BASE + "AuditEvent/ledger-" + e.index())
                    .setResource(of(e));
        }
        return bundle;
    }

    /** The AuditEvent of one ledger entry. */
    public AuditEvent of(LedgerEntry entry) {
        Event e = entry.event();
        AuditEvent a = new AuditEvent();
        a.setId("ledger-" + entry.index());
        a.setType(new Coding(AUDIT_EVENT_TYPE, "rest", "Restful Operation"));
        a.setRecorded(new Date(e.timestampMillis()));
        a.setOutcome(AuditEventOutcome._0);
        a.getSource()
                .setSite(ledgerOrigin)
                .setObserver(new Reference().setDisplay("MedShare audit ledger " + ledgerOrigin))
                .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));
        a.addAgent(agent(DCM, "110152", "Destination Role ID", "medshare-service", false));
        switch (e.type()) {
            case UPLOAD -> {
                interaction(a, "create", AuditEventAction.C);
                requester(a, e.id(Field.ACTOR));
                record(a, e.id(Field.RECORD_ID), e);
            }
            case RECORD_VERSIONED -> {
                interaction(a, "update", AuditEventAction.U);
                requester(a, e.id(Field.ACTOR));
                record(a, e.id(Field.RECORD_ID), e)
                        .addDetail()
                        .setType("previousRecordId")
                        .setValue(new StringType(e.id(Field.PREVIOUS_RECORD_ID)));
            }
            case ERASED -> {
                interaction(a, "delete", AuditEventAction.D);
                requester(a, e.id(Field.ACTOR));
                record(a, e.id(Field.RECORD_ID), e);
            }
            case ACCESS, BREAK_GLASS -> {
                interaction(a, "read", AuditEventAction.R);
                client(a, e.id(Field.ACTOR));
                user(a, e.id(Field.ACTOR), PARTICIPATION, "IRCP", "information recipient");
                record(a, e.id(Field.RECORD_ID), e);
                String code = e.id(Field.PURPOSE).split(":", 2)[0];
                if (code.matches("[A-Z]{2,10}")) {
                    a.addPurposeOfEvent(new CodeableConcept(new Coding(ACT_REASON, code, null)));
                }
            }
            case QUERY_SUBMITTED, QUERY_APPROVED -> {
                boolean submitted = e.type() == EventType.QUERY_SUBMITTED;
                interaction(a, submitted ? "create" : "update", submitted ? AuditEventAction.C : AuditEventAction.U);
                requester(a, e.id(Field.ACTOR));
                query(a, e);
            }
            case COMPUTE -> {
                interaction(a, "operation", AuditEventAction.E);
                a.addAgent(agent(DCM, "110150", "Application", e.id(Field.ACTOR), true));
                query(a, e);
            }
            case PAYMENT -> {
                interaction(a, "operation", AuditEventAction.E);
                user(a, e.id(Field.PAYER), ROLE_CLASS, "AGNT", "agent");
                a.addAgent(agent(PARTICIPATION, "IRCP", "information recipient", e.id(Field.PAYEE), false));
                query(a, e);
            }
            case CONSENT_REVOKED, CONSENT_CHANGED -> {
                interaction(a, "update", AuditEventAction.U);
                requester(a, e.id(Field.ACTOR));
                String target = e.id(Field.RECORD_ID);
                if (target.startsWith("consent:")) {
                    AuditEventEntityComponent c =
                            entity(a, "urn:medshare:consent", target.substring(8), Role.DOMAIN_RESOURCE, e);
                    c.getWhat().setReference("Consent/" + target.substring(8));
                } else {
                    record(a, target, e);
                }
            }
            case KEY_ISSUED -> {
                interaction(a, "create", AuditEventAction.C);
                a.addAgent(agent(DCM, "110150", "Application", e.id(Field.ACTOR), false));
                user(a, e.id(Field.RECIPIENT), PARTICIPATION, "IRCP", "information recipient");
                entity(a, "urn:medshare:key", e.id(Field.KEY_ID), Role.SECURITY_RESOURCE, e);
            }
            case CONTRACT_CALL -> {
                interaction(a, "operation", AuditEventAction.E);
                requester(a, e.id(Field.ACTOR));
                entity(
                        a,
                        "urn:medshare:contract-state-root",
                        HexFormat.of().formatHex(e.hash(Field.STATE_ROOT)),
                        Role.DOMAIN_RESOURCE,
                        e);
            }
            case ANCHORED -> {
                interaction(a, "operation", AuditEventAction.E);
                a.addAgent(agent(DCM, "110150", "Application", "medshare-service", false));
                AuditEventEntityComponent tx = entity(
                        a,
                        "urn:medshare:anchor-transaction",
                        "0x" + HexFormat.of().formatHex(e.hash(Field.TX_HASH)),
                        Role.DOMAIN_RESOURCE,
                        e);
                tx.setDescription("checkpoint of size " + e.amount(Field.TREE_SIZE) + " anchored on EVM chain "
                        + e.amount(Field.CHAIN_ID) + ", contract " + e.id(Field.CONTRACT));
            }
            case SIGNING_KEY_REVOKED ->
                securityChange(a, e, "delete", AuditEventAction.D, "urn:medshare:signing-key", e.id(Field.KEY_ID));
            case DATA_USE_RULES_CHANGED ->
                securityChange(a, e, "update", AuditEventAction.U, "urn:medshare:data-use-rules", e.id(Field.ACTOR));
            case DISCLOSURE_LIMITS_CHANGED ->
                securityChange(a, e, "update", AuditEventAction.U, "urn:medshare:disclosure-limits", e.id(Field.ACTOR));
            case ORGANISATION_SUSPENDED, ORGANISATION_REINSTATED ->
                securityChange(
                        a, e, "update", AuditEventAction.U, "urn:medshare:organisation", e.id(Field.ORGANISATION));
            case EPOCH_RAISED -> {
                interaction(a, "update", AuditEventAction.U);
                requester(a, e.id(Field.ACTOR));
                entity(a, "urn:medshare:attribute-epoch", e.id(Field.EPOCH), Role.SECURITY_RESOURCE, e)
                        .addDetail()
                        .setType("previousEpoch")
                        .setValue(new StringType(e.id(Field.PREVIOUS_EPOCH)));
            }
            case PARTY_KEY_REGISTERED -> {
                interaction(a, "create", AuditEventAction.C);
                user(a, e.id(Field.ACTOR), ROLE_CLASS, "AGNT", "agent");
                AuditEventEntityComponent key =
                        entity(a, "urn:medshare:party-key", e.id(Field.KEY_ID), Role.SECURITY_RESOURCE, e);
                key.addDetail().setType("organisation").setValue(new StringType(e.id(Field.ORGANISATION)));
                key.addDetail().setType("role").setValue(new StringType(e.id(Field.ROLE)));
            }
            case BUDGET_CHARGED, BUDGET_REFUNDED -> {
                interaction(a, "operation", AuditEventAction.E);
                a.addAgent(agent(DCM, "110150", "Application", "medshare-service", false));
                a.addAgent(agent(PARTICIPATION, "IRCP", "information recipient", e.id(Field.ORGANISATION), false));
                query(a, e).addDetail().setType("period").setValue(new StringType(e.id(Field.PERIOD)));
            }
            case MEMBER_ADMITTED, MEMBER_REMOVED -> {
                boolean admitted = e.type() == EventType.MEMBER_ADMITTED;
                interaction(a, admitted ? "create" : "delete", admitted ? AuditEventAction.C : AuditEventAction.D);
                user(a, e.id(Field.ACTOR), ROLE_CLASS, "AGNT", "agent");
                entity(a, "urn:medshare:member", e.id(Field.MEMBER_ID), Role.SECURITY_RESOURCE, e);
            }
        }
        AuditEventEntityComponent ledgerEntity = a.addEntity();
        ledgerEntity.setWhat(new Reference()
                .setIdentifier(new Identifier().setSystem(LEDGER).setValue(Long.toString(entry.index()))));
        ledgerEntity.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
        ledgerEntity.setName(e.type().name());
        return a;
    }

    /** The event's actor changed a security resource (a hospital's signing key or rules, an organisation's standing). */
    private static void securityChange(
            AuditEvent a, Event e, String subtype, AuditEventAction action, String system, String what) {
        interaction(a, subtype, action);
        requester(a, e.id(Field.ACTOR));
        entity(a, system, what, Role.SECURITY_RESOURCE, e);
    }

    private static void interaction(AuditEvent a, String code, AuditEventAction action) {
        a.addSubtype(new Coding(RESTFUL, code, code));
        a.setAction(action);
    }

    /** {@code party} made the request: as the source of the call and as the acting agent. */
    private static void requester(AuditEvent a, String party) {
        client(a, party);
        user(a, party, ROLE_CLASS, "AGNT", "agent");
    }

    private static void client(AuditEvent a, String party) {
        a.addAgent(agent(DCM, "110153", "Source Role ID", party, false));
    }

    private static void user(AuditEvent a, String party, String system, String code, String display) {
        a.addAgent(agent(system, code, display, party, true));
    }

    private static AuditEventAgentComponent agent(
            String system, String code, String display, String who, boolean requestor) {
        AuditEventAgentComponent agent = new AuditEventAgentComponent();
        agent.setType(new CodeableConcept(new Coding(system, code, display)));
        agent.setWho(new Reference()
                .setIdentifier(new Identifier().setSystem(PARTY).setValue(who))
                .setDisplay(who));
        agent.setRequestor(requestor);
        return agent;
    }

    /** The object roles (DICOM/HL7 object role codes) of the events' main entities. */
    private enum Role {
        DOMAIN_RESOURCE("4", "Domain Resource"),
        QUERY("24", "Query"),
        SECURITY_RESOURCE("13", "Security Resource");

        final String code;
        final String display;

        Role(String code, String display) {
            this.code = code;
            this.display = display;
        }
    }

    /** The event's query as its main entity (see {@link #entity}). */
    private static AuditEventEntityComponent query(AuditEvent a, Event e) {
        return entity(a, "urn:medshare:query", e.id(Field.QUERY_ID), Role.QUERY, e);
    }

    /** A record as the event's main entity (see {@link #entity}). */
    private static AuditEventEntityComponent record(AuditEvent a, String recordId, Event e) {
        return entity(a, "urn:medshare:record", recordId, Role.DOMAIN_RESOURCE, e);
    }

    /**
     * The event's main entity, a system object, with every hash and amount of the event as details (ids and hashes
     * only).
     */
    private static AuditEventEntityComponent entity(AuditEvent a, String system, String id, Role role, Event e) {
        AuditEventEntityComponent entity = a.addEntity();
        entity.setWhat(
                new Reference().setIdentifier(new Identifier().setSystem(system).setValue(id)));
        entity.setType(new Coding(ENTITY_TYPE, "2", "System Object"));
        entity.setRole(new Coding(OBJECT_ROLE, role.code, role.display));
        for (Field f : e.type().fields()) {
            if (f.kind() == FieldKind.HASH) {
                entity.addDetail()
                        .setType(camel(f))
                        .setValue(new StringType(HexFormat.of().formatHex(e.hash(f))));
            } else if (f.kind() == FieldKind.AMOUNT) {
                entity.addDetail().setType(camel(f)).setValue(new StringType(Long.toString(e.amount(f))));
            } else if (f.kind() == FieldKind.DATA) {
                entity.addDetail().setType(camel(f)).setValue(new Base64BinaryType(e.data(f)));
            } else if (f == Field.PURPOSE || f == Field.CONTRACT) {
                entity.addDetail().setType(camel(f)).setValue(new StringType(e.id(f)));
            }
        }
        return entity;
    }

    private static String camel(Field f) {
        String[] parts = f.name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder s = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            s.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return s.toString();
    }
}
