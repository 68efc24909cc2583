package org.medshare.service.queries.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.medshare.enclave.stats.QueryRefusedException;
import org.medshare.enclave.stats.QueryRequest;
import org.medshare.enclave.stats.QueryTemplate;
import org.medshare.enclave.stats.StatisticsEngine;
import org.medshare.enclave.stats.TemplateRegistry;
import org.medshare.service.identity.Caller;
import org.medshare.service.queries.persistence.QueryRepository;
import org.medshare.service.queries.persistence.TemplateEntity;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Query templates: an insurer proposes one (checked as the enclave would check it), a regulator approves or
 * rejects it once, and only approved templates run. A template id and version name one template forever.
 */
@ApplicationScoped
public class TemplateService {

    /** API model of a template. */
    public record TemplateView(
            String templateId,
            int version,
            String purpose,
            String hash,
            String state,
            String submittedBy,
            Instant submittedAt,
            @Schema(nullable = true) String decidedBy,
            @Schema(nullable = true) Instant decidedAt,
            String template) {
        static TemplateView of(TemplateEntity t) {
            return new TemplateView(
                    t.templateId(),
                    t.version(),
                    t.purpose(),
                    t.hash(),
                    t.state().name(),
                    t.submittedBy(),
                    t.submittedAt(),
                    t.decidedBy(),
                    t.decidedAt(),
                    t.json());
        }
    }

    /** Purposes and template ids as data-use rules and ABE attributes can name them. */
    private static final String NAME = "[A-Za-z0-9._-]{1,64}";

    private final QueryRepository repository;
    private final Clock clock = Clock.systemUTC();

    @Inject
    TemplateService(QueryRepository repository) {
        this.repository = repository;
    }

    /** Stores {@code json} as a pending template proposed by {@code insurer}'s organisation. */
    public TemplateView submit(Caller insurer, String json) {
        QueryDocuments.requireAtMost("template", json, QueryDocuments.MAX_TEMPLATE_CHARS);
        QueryTemplate template = QueryDocuments.template(json);
        if (!template.purpose().matches(NAME)) {
            throw RequestRefusedException.invalid(
                    "template-invalid",
                    "Query refused",
                    "purpose must match " + NAME + "; hospitals' data-use rules and ABE attributes name it.");
        }
        try {
            new TemplateRegistry(StatisticsEngine.DEFAULT_MIN_GROUP_SIZE).submit(template);
        } catch (QueryRefusedException e) {
            throw QueryDocuments.refused(e);
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            if (repository.template(template.id(), template.version()).isPresent()) {
                throw RequestRefusedException.conflict(
                        "template-exists",
                        "Template exists",
                        "Template " + template.id() + " version " + template.version()
                                + " exists; submit a new version.");
            }
            TemplateEntity entity = new TemplateEntity(
                    template.id(),
                    template.version(),
                    template.purpose(),
                    json,
                    template.hashHex(),
                    insurer.organisation(),
                    clock.instant());
            repository.persist(entity);
            return TemplateView.of(entity);
        });
    }

    /** Approves or rejects a pending template; a template is decided once. */
    public TemplateView decide(Caller regulator, String id, int version, boolean approve) {
        return QuarkusTransaction.requiringNew().call(() -> {
            TemplateEntity t = repository
                    .template(id, version)
                    .orElseThrow(() -> RequestRefusedException.notFound("Template " + id + " version " + version));
            if (t.state() != TemplateEntity.State.PENDING) {
                throw RequestRefusedException.conflict(
                        "already-decided",
                        "Already decided",
                        "Template " + id + " version " + version + " is " + t.state() + ".");
            }
            t.decide(
                    approve ? TemplateEntity.State.APPROVED : TemplateEntity.State.REJECTED,
                    regulator.actor(),
                    clock.instant());
            return TemplateView.of(t);
        });
    }

    /** Every template with its state, by id and version. */
    public List<TemplateView> list() {
        return QuarkusTransaction.requiringNew()
                .call(() ->
                        repository.templates().stream().map(TemplateView::of).toList());
    }

    /**
     * The approved template a request names, whose purpose is the request's.
     *
     * @throws RequestRefusedException 400 if it does not exist or has another purpose, 409 if it is not approved
     */
    TemplateEntity approvedFor(QueryRequest request) {
        TemplateEntity template = QuarkusTransaction.requiringNew()
                .call(() -> repository.template(request.templateId(), request.templateVersion()))
                .orElseThrow(() -> RequestRefusedException.invalid(
                        "unknown-template",
                        "Unknown template",
                        "Template " + request.templateId() + " version " + request.templateVersion()
                                + " does not exist."));
        if (template.state() != TemplateEntity.State.APPROVED) {
            throw RequestRefusedException.conflict(
                    "template-not-approved",
                    "Template not approved",
                    "Template " + request.templateId() + " version " + request.templateVersion() + " is "
                            + template.state() + "; only approved templates run.");
        }
        if (!template.purpose().equals(request.purpose())) {
            throw RequestRefusedException.invalid(
                    "purpose-mismatch",
                    "Purpose mismatch",
                    "The request's purpose must be the template's, " + template.purpose() + ".");
        }
        return template;
    }
}
