package org.medshare.client.upload;

import java.io.PrintWriter;

/** A one-line progress bar redrawn on a terminal's stderr; silent when not on a terminal. Thread-safe. */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final int total;
    private final boolean enabled;
    private int done;

    ProgressBar(PrintWriter err, int total, boolean enabled) {
        this.err = err;
        this.total = total;
        this.enabled = enabled;
    }

    synchronized void step(Outcome o) {
        done++;
        if (!enabled) {
            return;
        }
        int bars = total == 0 ? WIDTH : done * WIDTH / total;
        err.print("\rupload [" + "#".repeat(bars) + " ".repeat(WIDTH - bars) + "] " + done + "/" + total);
        if (done == total) {
            err.println();
        }
        err.flush();
    }

    /** Prints a line on {@code stream} above the bar (a file's outcome); the bar is redrawn on the next step. */
    synchronized void print(PrintWriter stream, String line) {
        if (enabled) {
            err.print("\r" + " ".repeat(WIDTH + 30) + "\r");
            err.flush();
        }
        stream.println(line);
        stream.flush();
    }

    /** Prints a line above the bar (a refusal), then redraws the bar on the next step. */
    synchronized void message(String line) {
        if (enabled) {
            err.print("\r" + " ".repeat(WIDTH + 30) + "\r");
        }
        err.println(line);
        err.flush();
    }
}
