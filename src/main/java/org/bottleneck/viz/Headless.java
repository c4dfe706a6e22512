package org.bottleneck.viz;

/** Puts AWT in headless mode unless the user chose otherwise; must run before AWT starts. */
final class Headless {
    private Headless() {
    }

    static void ensure() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
