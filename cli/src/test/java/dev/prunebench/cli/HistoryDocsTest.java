package dev.prunebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docs/history.md's commands are true to the CLI: every {@code scripts/prunebench …} line in its code blocks (the
 * shell examples and the GitHub Actions and GitLab recipes) parses with the CLI's own parser — its subcommands, options
 * and their values (a shard I/N, a scale). CI variables stand in as plain values. Parsing only: nothing runs.
 */
class HistoryDocsTest {

    static final Pattern BLOCK = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL);

    /** The arguments after {@code scripts/prunebench} on one line, with CI and shell variables replaced by values. */
    static List<String> args(String line) {
        String s = line.substring(line.indexOf("scripts/prunebench ") + "scripts/prunebench ".length());
        s = s.replaceAll("\\$\\{\\{[^}]*}}", "1").replaceAll("\\$\\([^)]*\\)", "x").replaceAll("\\$\\{?[A-Za-z_]+}?", "1");
        s = s.split(";|&&|\\|")[0];
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)").matcher(s);
        while (m.find()) {
            String a = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            if (a.contains("*")) { // a glob: the shell gives two or more folders
                out.add(a.replace("*", "a"));
                out.add(a.replace("*", "b"));
            } else out.add(a);
        }
        return out;
    }

    @Test void everyCommandInDocsHistoryParses() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "history.md"));
        List<List<String>> commands = new ArrayList<>();
        Matcher b = BLOCK.matcher(doc);
        while (b.find())
            for (String line : b.group(1).split("\\n")) {
                String code = line.split("(^|\\s)#", 2)[0]; // a shell or YAML comment is prose
                if (code.contains("scripts/prunebench ")) commands.add(args(code));
            }
        // the recipes are there: run with shards, merge, and add/check/trends on the shared history
        assertThat(commands.stream().map(c -> String.join(" ", c.subList(0, Math.min(2, c.size())))))
                .contains("run hartenstein-spmm-cpu", "merge shards/a", "history add", "history check", "history trends", "run spmm-gate", "history evaluate");
        assertThat(commands).anyMatch(c -> c.contains("--shard") && c.get(c.indexOf("--shard") + 1).equals("1/4"));
        CommandLine cli = new CommandLine(new Main()); // picocli resets every option before each parse
        for (List<String> c : commands) {
            try {
                var parsed = cli.parseArgs(c.toArray(String[]::new));
                CommandLine.ParseResult leaf = parsed;
                while (leaf.hasSubcommand()) leaf = leaf.subcommand();
                assertThat(leaf.unmatched()).as(String.join(" ", c)).isEmpty();
                if (c.contains("--shard")) dev.prunebench.experiments.Shard.parse(c.get(c.indexOf("--shard") + 1));
                if (c.contains("--scale")) dev.prunebench.results.Scale.parse(c.get(c.indexOf("--scale") + 1));
            } catch (CommandLine.ParameterException | IllegalArgumentException e) {
                throw new AssertionError("docs/history.md: scripts/prunebench " + String.join(" ", c) + ": " + e.getMessage(), e);
            }
        }
    }
}
