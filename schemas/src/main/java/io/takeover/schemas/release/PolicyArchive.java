package io.takeover.schemas.release;

/**
 * Keys of {@code takeover.policies}, the version archive: {@code task/version}. Every version a
 * learner publishes stays there until the release controller retires it with a tombstone.
 */
public final class PolicyArchive {

    private PolicyArchive() {}

    public static String key(String task, long version) {
        return task + "/" + version;
    }

    /** Whether {@code key} is one of {@code task}'s versions. */
    public static boolean isOf(String key, String task) {
        return key != null && key.length() > task.length() + 1 && key.startsWith(task) && key.charAt(task.length()) == '/';
    }

    /** The version a key of {@code task} names; -1 when the key is not one of its versions. */
    public static long version(String key, String task) {
        if (!isOf(key, task)) {
            return -1;
        }
        try {
            return Long.parseLong(key.substring(task.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
