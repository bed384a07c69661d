#!/usr/bin/env bash
# Sourced by mvnw, scripts/* and .ci/run: finds a JDK >= 22 and exports JAVA_HOME and PATH.
# Order: $JAVA_HOME if it is >= 22, then `java` on PATH, then every JDK under /usr/lib/jvm and /opt (newest first).
# Fails with a clear message when there is none.

_pb_java_major() { # $1 = path to a java binary; prints its feature version or nothing
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  case "$v" in 1.*) v=${v#1.}; v=${v%%.*} ;; esac
  printf '%s' "$v"
}

_pb_find_jdk() {
  local min=22 cand major
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for cand in $(ls -d /usr/lib/jvm/*/ /opt/*jdk*/ /opt/java/*/ 2>/dev/null | sort -rV); do candidates+=("${cand%/}"); done
  for cand in "${candidates[@]}"; do
    [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    major=$(_pb_java_major "$cand/bin/java")
    if [ -n "$major" ] && [ "$major" -ge "$min" ] 2>/dev/null; then
      export JAVA_HOME="$cand"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "prunebench: no JDK >= 22 found (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm/*, /opt/*)." >&2
  echo "prunebench: install one (e.g. apt-get install openjdk-25-jdk, or a Temurin 22+/25) or set JAVA_HOME to it." >&2
  return 1
}

_pb_find_jdk
