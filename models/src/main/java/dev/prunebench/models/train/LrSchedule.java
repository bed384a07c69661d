package dev.prunebench.models.train;

import java.util.Locale;

/**
 * Learning rate as a function of training progress {@code t ∈ [0, 1)} (step / total steps).
 *
 * <p>Spec strings: {@code const}, {@code cosine} (half cosine from lr to 0), {@code step:G:E} (multiply by G every E
 * epochs — needs the epoch count, see {@link #parse}).
 */
public interface LrSchedule {
    double factor(double t);

    String spec();

    LrSchedule CONSTANT = new LrSchedule() {
        @Override public double factor(double t) { return 1; }
        @Override public String spec() { return "const"; }
    };

    LrSchedule COSINE = new LrSchedule() {
        @Override public double factor(double t) { return 0.5 * (1 + Math.cos(Math.PI * t)); }
        @Override public String spec() { return "cosine"; }
    };

    static LrSchedule step(double gamma, int everyEpochs, int epochs) {
        if (!(gamma > 0 && gamma <= 1)) throw new IllegalArgumentException("step schedule: gamma must be in (0, 1], got " + gamma);
        if (everyEpochs <= 0) throw new IllegalArgumentException("step schedule: period must be positive, got " + everyEpochs);
        return new LrSchedule() {
            @Override public double factor(double t) { return Math.pow(gamma, Math.floor(t * epochs / everyEpochs)); }
            @Override public String spec() { return "step:" + gamma + ":" + everyEpochs; }
        };
    }

    static LrSchedule parse(String s, int epochs) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("const") || t.equals("constant")) return CONSTANT;
        if (t.equals("cosine")) return COSINE;
        if (t.startsWith("step:")) {
            String[] f = t.split(":");
            if (f.length != 3) throw new IllegalArgumentException("lr schedule: expected step:GAMMA:EPOCHS, got '" + s + "'");
            try {
                return step(Double.parseDouble(f[1]), Integer.parseInt(f[2]), epochs);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("lr schedule: bad number in '" + s + "'", e);
            }
        }
        throw new IllegalArgumentException("lr schedule: unknown '" + s + "' (expected const, cosine or step:GAMMA:EPOCHS)");
    }
}
