#!/usr/bin/env bash
# Recreates /tmp/photos (30 real photographs, original bytes from Debian packages)
# and /tmp/photos-small (same photos, longer side <= 512 px, 8-bit RGB PNG, Lanczos).
# Uses only apt-get download, dpkg-deb and ImageMagick (installed with apt if missing).
# Idempotent: output folders are wiped and rebuilt on every run; .debs are cached.
# Also writes /tmp/photos.manifest.tsv (provenance + license per photo), kept
# OUTSIDE /tmp/photos so that folder holds only images.
set -euo pipefail

OUT=/tmp/photos
SMALL=/tmp/photos-small
MANIFEST=/tmp/photos.manifest.tsv
CACHE=/tmp/photo-debs          # downloaded .deb files (cache, reused across runs)
WORK=$(mktemp -d /tmp/photo-extract.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Packages and the Debian 12 (bookworm) versions this list was made from.
# If a pinned version is no longer on the mirror, the current candidate is used.
declare -A PIN=(
  [python3-skimage]=0.19.3-8
  [mate-backgrounds]=1.26.0-1
  [lomiri-wallpapers-16.04]=20.04.0-2
  [lomiri-wallpapers-20.04]=20.04.0-2
)

# Chosen photos: output-name | package | path inside package | license (from the package's copyright file)
SK=usr/lib/python3/dist-packages/skimage/data
MB=usr/share/backgrounds/mate/nature
LB=usr/share/backgrounds
PHOTOS=(
  "skimage_astronaut.png|python3-skimage|$SK/astronaut.png|public domain (NASA)"
  "skimage_chelsea.png|python3-skimage|$SK/chelsea.png|CC0 (Stefan van der Walt)"
  "skimage_coffee.png|python3-skimage|$SK/coffee.png|CC0 (Rachel Michetti)"
  "skimage_rocket.jpg|python3-skimage|$SK/rocket.jpg|public domain (SpaceX)"
  "skimage_motorcycle.png|python3-skimage|$SK/motorcycle_left.png|Middlebury 2014 stereo dataset (no explicit license; pkg BSD-3-Clause)"
  "mate_aqua.jpg|mate-backgrounds|$MB/Aqua.jpg|GPL-2+ (Charles Barbin)"
  "mate_blinds.jpg|mate-backgrounds|$MB/Blinds.jpg|GPL-2+ (L. Poettering, A. Cimitan)"
  "mate_dune.jpg|mate-backgrounds|$MB/Dune.jpg|GPL-2+ (Marco Cogoni, Hylke Bons)"
  "mate_freshflower.jpg|mate-backgrounds|$MB/FreshFlower.jpg|GPL-2+ (Jens Ansorg)"
  "mate_garden.jpg|mate-backgrounds|$MB/Garden.jpg|GPL-2+ (Charles Barbin)"
  "mate_greenmeadow.jpg|mate-backgrounds|$MB/GreenMeadow.jpg|GPL-2+ (T. Schellhase, L. Calamandrei)"
  "mate_ladybird.jpg|mate-backgrounds|$MB/LadyBird.jpg|GPL-2+ (Charles Barbin)"
  "mate_raindrops.jpg|mate-backgrounds|$MB/RainDrops.jpg|GPL-2+ (blackcombwhistler07)"
  "mate_storm.jpg|mate-backgrounds|$MB/Storm.jpg|GPL-2+ (Sergey Nazarov)"
  "mate_twowings.jpg|mate-backgrounds|$MB/TwoWings.jpg|GPL-2+ (Charles Barbin, Hylke Bons)"
  "mate_wood.jpg|mate-backgrounds|$MB/Wood.jpg|GPL-2+ (Jean-Francois Fortin Tam)"
  "mate_yellowflower.jpg|mate-backgrounds|$MB/YellowFlower.jpg|GPL-2+ (Charles Barbin)"
  "lomiri_bridge.jpg|lomiri-wallpapers-16.04|$LB/Bridge_by_Sander_Klootwijk.jpg|CC-BY-SA-4.0 (Sander Klootwijk)"
  "lomiri_dragonfly.jpg|lomiri-wallpapers-16.04|$LB/Dragonfly_by_Bolly.jpg|CC-BY-SA-4.0 (Bolly)"
  "lomiri_fig.jpg|lomiri-wallpapers-16.04|$LB/Picture_0B_by_freespace.jpg|CC-BY-4.0 (Trevor Freespace)"
  "lomiri_brushes.jpg|lomiri-wallpapers-16.04|$LB/Picture_1A_by_freespace.jpg|CC-BY-4.0 (Trevor Freespace)"
  "lomiri_wine.jpg|lomiri-wallpapers-16.04|$LB/Wine_by_Jakkub_Mede.jpg|CC-BY-4.0 (Jakub Mede)"
  "lomiri_aitzgorri.jpg|lomiri-wallpapers-16.04|$LB/aitzgorri_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (Aitzol Berasategi)"
  "lomiri_bird_lamp.jpg|lomiri-wallpapers-16.04|$LB/free_by_Peter_Nerlich.jpg|CC-BY-SA-4.0 (Peter Nerlich)"
  "lomiri_dogs.jpg|lomiri-wallpapers-16.04|$LB/friends_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (Aitzol Berasategi)"
  "lomiri_stream.jpg|lomiri-wallpapers-16.04|$LB/life_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (Aitzol Berasategi)"
  "lomiri_picosdeeuropa.jpg|lomiri-wallpapers-16.04|$LB/picosdeeuropa_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (Aitzol Berasategi)"
  "lomiri_dandelions.jpg|lomiri-wallpapers-16.04|$LB/seeding_by_Clements_Engelhardt.jpg|CC0-1.0 (Clemens Engelhardt)"
  "lomiri_sunset.jpg|lomiri-wallpapers-16.04|$LB/sunset_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (Aitzol Berasategi)"
  "lomiri_nuthatch.jpg|lomiri-wallpapers-20.04|$LB/Kleiber_by_Lukas_Baubkus.jpg|CC-BY-SA-3.0 (Lukas Baubkus)"
)

# Step 1: make sure the real ImageMagick is present (/usr/local/bin/convert may be a stand-in).
CONVERT=/usr/bin/convert
IDENTIFY=/usr/bin/identify
if [[ ! -x $CONVERT || ! -x $IDENTIFY ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq imagemagick >/dev/null
fi

# Step 2: download each package's .deb into the cache (pinned version, else current candidate).
mkdir -p "$CACHE"
chmod 777 "$CACHE"   # lets apt's _apt user write there (avoids the 'unsandboxed' warning)
declare -A DEB VER
for pkg in "${!PIN[@]}"; do
  want=${PIN[$pkg]}
  existing=$(ls "$CACHE/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
  if [[ -z $existing ]]; then
    if ! apt-cache show "$pkg=$want" >/dev/null 2>&1; then apt-get update -qq; fi
    if apt-cache show "$pkg=$want" >/dev/null 2>&1; then
      (cd "$CACHE" && apt-get download -qq "$pkg=$want")
    else
      echo "WARN: $pkg=$want not on mirror, using candidate" >&2
      (cd "$CACHE" && apt-get download -qq "$pkg")
    fi
    existing=$(ls "$CACHE/${pkg}_"*.deb | head -n1)
  fi
  DEB[$pkg]=$existing
  VER[$pkg]=$(dpkg-deb -f "$existing" Version)
done

# Step 3: extract each .deb into its own scratch folder (no install, no root files touched).
for pkg in "${!DEB[@]}"; do
  mkdir -p "$WORK/$pkg"
  dpkg-deb -x "${DEB[$pkg]}" "$WORK/$pkg"
done

# Step 4: rebuild the output folders from scratch.
rm -rf "$OUT" "$SMALL"
mkdir -p "$OUT" "$SMALL"
printf 'file\tpackage\tversion\tsource_path\twidth\theight\tlicense\n' >"$MANIFEST"

for entry in "${PHOTOS[@]}"; do
  IFS='|' read -r name pkg path license <<<"$entry"
  src="$WORK/$pkg/$path"
  [[ -f $src ]] || { echo "ERROR: $path missing from $pkg ${VER[$pkg]}" >&2; exit 1; }
  # Step 4a: copy the original bytes unchanged (all are baseline/progressive 8-bit sRGB JPEG or PNG, no EXIF rotation).
  cp "$src" "$OUT/$name"
  read -r w h < <("$IDENTIFY" -format '%w %h\n' "$src[0]" 2>/dev/null)
  # Step 4b: downscale (only if larger) so the longer side is <= 512 px; Lanczos; 8-bit RGB PNG, no alpha/metadata.
  "$CONVERT" "$src[0]" -auto-orient -colorspace sRGB -alpha off -filter Lanczos -resize '512x512>' \
    -strip -depth 8 "PNG24:$SMALL/${name%.*}.png" 2>/dev/null
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$pkg" "${VER[$pkg]}" "/$path" "$w" "$h" "$license" >>"$MANIFEST"
done

# Step 5: sanity check — same count in both folders.
n1=$(ls "$OUT" | wc -l); n2=$(ls "$SMALL" | wc -l)
[[ $n1 -eq ${#PHOTOS[@]} && $n2 -eq ${#PHOTOS[@]} ]] || { echo "ERROR: count mismatch $n1/$n2" >&2; exit 1; }
echo "OK: $n1 photos in $OUT, $n2 in $SMALL, manifest $MANIFEST"
