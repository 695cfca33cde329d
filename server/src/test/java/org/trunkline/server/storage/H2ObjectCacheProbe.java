package org.trunkline.server.storage;

/**
 * Run in a fresh JVM by {@link DatabaseTest}: initializes {@link Database} as the server does
 * before it touches H2, then prints whether H2's object cache is on ({@code true} or {@code
 * false}).
 */
final class H2ObjectCacheProbe {
  private H2ObjectCacheProbe() {}

  public static void main(String[] args) throws ClassNotFoundException {
    Class.forName(Database.class.getName()); // its class initialization, and nothing else
    System.out.print(org.h2.engine.SysProperties.OBJECT_CACHE);
  }
}
