package io.takeover.cli;

import io.takeover.schemas.policy.SigningKey;
import io.takeover.schemas.policy.TrustedKeys;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code takeover keys}: the Ed25519 keys learners sign policies with and robots trust. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Policy signing keys: a learner signs every policy it publishes; robots run only policies "
                + "signed by a key they trust.",
        subcommands = {KeysCommand.Generate.class, KeysCommand.Id.class})
final class KeysCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Make a key pair: DIR/NAME.key (the learner's, owner-only) and DIR/NAME.pub (the robots').")
    static final class Generate implements Runnable {

        @Option(names = "--out", defaultValue = ".takeover/keys", description = "Directory (default ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--name", defaultValue = "learner", description = "File name (default ${DEFAULT-VALUE}).")
        String name;

        @Override
        public void run() {
            SigningKey key = SigningKey.generate();
            Path keyFile = key.write(out, name);
            System.out.printf("Key %s:%n  %s  the learner signs with it: --signing-key / TAKEOVER_SIGNING_KEY; keep it "
                    + "secret%n  %s  robots trust it: --trusted-keys / TAKEOVER_TRUSTED_KEYS%n", key.keyId(), keyFile,
                    out.resolve(name + ".pub"));
        }
    }

    @Command(name = "id", mixinStandardHelpOptions = true,
            description = "Print the key ids of public keys (.pub) or directories of them: the ids snapshots name.")
    static final class Id implements Runnable {

        @Parameters(arity = "1..*", paramLabel = "PATH")
        List<Path> paths;

        @Override
        public void run() {
            TrustedKeys.read(paths).ids().forEach(System.out::println);
        }
    }
}
