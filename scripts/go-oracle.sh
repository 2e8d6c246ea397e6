# Sourced by the install-*-oracle.sh scripts: builds one of the small Go programs under scripts/
# that a differential test runs as its oracle.
#   build_go_oracle FOLDER BINARY TEST
# builds scripts/FOLDER as $(go env GOPATH)/bin/BINARY. Without Go it says which TEST will then
# fail under CI=true, and succeeds: the main job never needs Go.
build_go_oracle() {
  local folder="$1" name="$2" test="$3" root binary
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if ! command -v go >/dev/null 2>&1; then
    echo "$name: Go is not installed; the $test will fail under CI=true"
    return 0
  fi
  binary="$(go env GOPATH)/bin/$name"
  (cd "$root/scripts/$folder" && go build -o "$binary" .)
  echo "$name: $binary"
}
