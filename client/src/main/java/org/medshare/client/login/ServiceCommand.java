package org.medshare.client.login;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the service: it takes the {@link SessionOptions} and makes its calls through
 * {@link #client()}, {@link #ask} or {@link #printJson}. A refusal by the service, the identity provider or the
 * network becomes one line on stderr and exit 1 ({@link SessionOptions#answer}); bad arguments are checked before
 * the first call and are usage errors (exit 2).
 */
public abstract class ServiceCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Mixin
    protected SessionOptions session;

    /** A client for the service, authenticated with the session's token (usage error if there is none). */
    protected final ServiceClient client() {
        return session.client();
    }

    /** The command's standard output. */
    protected final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /**
     * Sends {@code request} with {@link #client()} and prints its JSON answer indented on stdout; returns exit
     * status 0.
     */
    protected final int printJson(Request<JsonNode> request) {
        out().println(Json.pretty(ask(request)));
        return 0;
    }

    /** Sends {@code request} with {@link #client()} and returns the answer; a refusal becomes exit 1. */
    protected final <T> T ask(Request<T> request) {
        ServiceClient service = client();
        return SessionOptions.answer(() -> request.send(service));
    }

    /**
     * One exchange with the service.
     *
     * @param <T> what it answers
     */
    @FunctionalInterface
    protected interface Request<T> {
        T send(ServiceClient service) throws ServiceException;
    }
}
