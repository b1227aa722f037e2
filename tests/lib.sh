# Shell helpers shared by the integration suite and the benchmarks.

# Prints a loopback TCP port nothing listens on.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		ss -ltn "sport = :$p" | grep -q LISTEN || { echo "$p"; return; }
	done
}

# wait_for FILE PATTERN: polls FILE until a line matches PATTERN; 15 s at most.
wait_for() {
	local i
	for i in $(seq 300); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# wait_port PORT: until something listens on PORT; 10 s at most.
wait_port() {
	local i
	for i in $(seq 200); do
		ss -ltn "sport = :$1" | grep -q LISTEN && return 0
		sleep 0.05
	done
	echo "nothing listens on port $1" >&2
	return 1
}
