package dev.prunebench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium driven over the DevTools protocol, for the browser tests: it opens a page in a tab of its own and
 * records every request that <em>page</em> makes ({@code Network.requestWillBeSent} on the tab's session). The
 * browser's own service traffic (component updates, model downloads, clock checks) is never reported on a tab, so a
 * new Chromium with a new background service cannot fail the tests; only what the page asks for counts.
 * The start-up flags still switch that traffic off, and the resolver rule fails any name lookup, so nothing leaves
 * the machine whatever the page does. Public for the history module's trends page test (results' test-jar).
 */
public final class HeadlessChromium implements AutoCloseable {

    /** -Dprunebench.chromium=PATH, else the first of the usual install locations that exists. */
    public static final Path PATH = locate();

    /**
     * Bounds each wait for the browser, only so a wedged browser fails the test instead of hanging the build: every
     * wait is on an event (a protocol answer, the load event), and a busy machine merely makes them late.
     */
    static final long HANG_GUARD_S = 180;

    /** Flags that keep the browser's own background services quiet. */
    static final List<String> QUIET = List.of("--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
            "--disable-client-side-phishing-detection", "--disable-breakpad", "--metrics-recording-only", "--safebrowsing-disable-auto-update",
            "--password-store=basic", "--use-mock-keychain", "--disable-quic",
            "--disable-features=OptimizationGuideModelDownloading,OptimizationHintsFetching,OptimizationTargetPrediction,OptimizationHints,"
                    + "MediaRouter,DialMediaRouteProvider,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater,"
                    + "InterestFeedContentSuggestions",
            // a safety net under the check, not the check: any host name fails to resolve
            "--host-resolver-rules=MAP * ~NOTFOUND");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final StringBuffer log = new StringBuffer();
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    private final Map<String, Page> pages = new ConcurrentHashMap<>();

    public static boolean available() { return Files.isExecutable(PATH); }

    public static String missing() { return "Chromium not installed at " + PATH + ": apt-get install -y chromium (or -Dprunebench.chromium=PATH)"; }

    private static Path locate() {
        String given = System.getProperty("prunebench.chromium");
        if (given != null && !given.isBlank()) return Path.of(given);
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/snap/bin/chromium"))
            if (Files.isExecutable(Path.of(p))) return Path.of(p);
        return Path.of("/usr/bin/chromium");
    }

    /** Starts the browser with a fresh profile in {@code profile} and connects to it. */
    public static HeadlessChromium start(Path profile) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PATH.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--remote-debugging-port=0", "--user-data-dir=" + profile));
        cmd.addAll(QUIET);
        cmd.add("about:blank");
        return new HeadlessChromium(new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }

    private HeadlessChromium(Process p) throws IOException, InterruptedException {
        process = p;
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        // the browser names its port on stderr once it listens (port 0: it picks a free one); the reader keeps
        // draining stderr afterwards so the browser never blocks on a full pipe, and keeps it for failure messages
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    log.append(l).append('\n');
                    Matcher m = LISTENING.matcher(l);
                    if (m.find()) endpoint.complete(m.group(1));
                }
            } catch (IOException e) {
                // the browser went away; the completion below reports it
            }
            endpoint.completeExceptionally(new IllegalStateException("chromium exited before it listened"));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            String ws = await(endpoint, "the DevTools endpoint");
            socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(ws), new Listener()).join();
        } catch (RuntimeException | IOException | InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** A tab: its session and what it asked for. */
    public final class Page {
        final String session;
        private final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
        private final CompletableFuture<Void> loaded = new CompletableFuture<>();

        private Page(String session) { this.session = session; }

        /** Every URL the page requested so far, in order, the document itself included. */
        public List<String> requests() {
            synchronized (requests) {
                return List.copyOf(requests);
            }
        }

        /** The requests that would leave the machine: anything but local files, inline data and loopback. */
        public List<String> offMachine() {
            return requests().stream().filter(u -> !onMachine(u)).toList();
        }

        /** The document as it stands (what {@code --dump-dom} printed). */
        public String dom() throws IOException, InterruptedException {
            return call(session, "Runtime.evaluate", Map.of("expression", "document.documentElement.outerHTML", "returnByValue", true))
                    .path("result").path("value").asText();
        }

        /** A PNG of the top {@code width × height} of the page, laid out at that size. */
        public byte[] screenshot(int width, int height) throws IOException, InterruptedException {
            viewport(width, height);
            return Base64.getDecoder().decode(call(session, "Page.captureScreenshot", Map.of("format", "png")).path("data").asText());
        }

        private void viewport(int width, int height) throws IOException, InterruptedException {
            call(session, "Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
        }
    }

    public static boolean onMachine(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            return false;
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file", "data", "blob", "about" -> true;
            case "http", "https", "ws", "wss" -> u.getHost() != null && List.of("localhost", "127.0.0.1", "[::1]").contains(u.getHost());
            default -> false;
        };
    }

    /**
     * Opens the URL in a new tab laid out at {@code width × height} and returns once the page's load handlers have
     * run, with its requests recorded from the first one on.
     */
    public Page open(String url, int width, int height) throws IOException, InterruptedException {
        String target = call(null, "Target.createTarget", Map.of("url", "about:blank")).path("targetId").asText();
        String session = call(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true)).path("sessionId").asText();
        Page page = new Page(session);
        pages.put(session, page);
        call(session, "Network.enable", Map.of());
        call(session, "Page.enable", Map.of());
        page.viewport(width, height);
        JsonNode nav = call(session, "Page.navigate", Map.of("url", url));
        if (nav.hasNonNull("errorText")) throw new IOException("chromium could not open " + url + ": " + nav.get("errorText").asText());
        await(page.loaded, "the load event of " + url);
        // the load event's own handlers (which mark the plots) have run once a task queued after it runs
        call(session, "Runtime.evaluate", Map.of("expression",
                "new Promise(r => document.readyState === 'complete' ? setTimeout(r, 0) : addEventListener('load', () => setTimeout(r, 0)))",
                "awaitPromise", true));
        return page;
    }

    /** Sends one command (to the browser when session is null) and waits for its answer. */
    JsonNode call(String session, String method, Map<String, ?> params) throws IOException, InterruptedException {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", JSON.valueToTree(params));
        if (session != null) msg.put("sessionId", session);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answers.put(id, answer);
        synchronized (socket) { // one outstanding send at a time, as WebSocket requires
            socket.sendText(JSON.writeValueAsString(msg), true).join();
        }
        JsonNode a = await(answer, method);
        if (a.has("error")) throw new IOException("chromium: " + method + ": " + a.get("error"));
        return a.path("result");
    }

    private <T> T await(CompletableFuture<T> f, String what) throws IOException, InterruptedException {
        try {
            return f.get(HANG_GUARD_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("chromium: " + what + ": " + e.getCause().getMessage() + "; log:\n" + logTail(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("chromium: no " + what + " in " + HANG_GUARD_S + " s; log:\n" + logTail(), e);
        }
    }

    String logTail() {
        String s = log.toString();
        return s.length() < 4000 ? s : s.substring(s.length() - 4000);
    }

    private void handle(String text) {
        JsonNode m;
        try {
            m = JSON.readTree(text);
        } catch (IOException e) {
            return; // not ours to judge; a command waiting on it times out with the log
        }
        if (m.has("id")) {
            CompletableFuture<JsonNode> f = answers.remove(m.get("id").asInt());
            if (f != null) f.complete(m);
            return;
        }
        Page page = pages.get(m.path("sessionId").asText(""));
        if (page == null) return;
        switch (m.path("method").asText()) {
            case "Network.requestWillBeSent" -> page.requests.add(m.path("params").path("request").path("url").asText());
            case "Page.loadEventFired" -> page.loaded.complete(null);
            case "Inspector.targetCrashed" -> page.loaded.completeExceptionally(new IllegalStateException("the page crashed"));
            default -> { }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                handle(message.toString());
                message.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override public void onError(WebSocket ws, Throwable error) {
            IllegalStateException e = new IllegalStateException("DevTools connection failed: " + error, error);
            answers.values().forEach(f -> f.completeExceptionally(e));
            pages.values().forEach(p -> p.loaded.completeExceptionally(e));
        }

        @Override public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            IllegalStateException e = new IllegalStateException("DevTools connection closed: " + status + " " + reason);
            answers.values().forEach(f -> f.completeExceptionally(e));
            pages.values().forEach(p -> p.loaded.completeExceptionally(e));
            return null;
        }
    }

    @Override public void close() throws InterruptedException {
        try {
            call(null, "Browser.close", Map.of());
        } catch (IOException | RuntimeException e) {
            // it may already be gone; it is killed below either way
        }
        socket.abort();
        if (!process.waitFor(HANG_GUARD_S, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
