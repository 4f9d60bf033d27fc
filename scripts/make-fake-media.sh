#!/usr/bin/env bash
# Regenerates the KIE fake's sample results in packages/fakes/src/kie/assets/ (committed; run only to change them).
# Needs Debian's ffmpeg and fonttools: apt-get install -y ffmpeg fonttools fonts-noto-core
#
# - result.mp4: 4 s, 640×360, H.264 Constrained Baseline + AAC-LC, faststart: what Telegram's sendVideo
#   takes and what browsers (Debian's chromium included) play in <video>.
# - result.mp3: 6 s of a C-major arpeggio, MPEG-1 Layer III 96 kbit/s, for <audio> and sendAudio.
# - NotoSans-*.ttf: Noto Sans (SIL OFL 1.1, see OFL.txt) cut down to Latin, Latin-1, Latin Extended-A,
#   Cyrillic and common punctuation, so the image renderer needs no system fonts.
set -euo pipefail
cd "$(dirname "$0")/../packages/fakes/src/kie/assets"

ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "gradients=s=640x360:d=4:r=24:c0=0x4f46e5:c1=0xec4899:c2=0x06b6d4:n=3:speed=0.03" \
  -f lavfi -i "sine=frequency=440:duration=4:sample_rate=44100" \
  -vf "drawtext=fontfile=NotoSans-Bold.ttf:text='KIE fake · video':fontcolor=white:fontsize=40:x=(w-text_w)/2:y=(h-text_h)/2:shadowx=2:shadowy=2" \
  -af "volume=0.2,afade=t=in:d=0.3,afade=t=out:st=3.5:d=0.5" \
  -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p -crf 30 -preset veryslow \
  -c:a aac -b:a 64k -ac 1 -movflags +faststart -shortest result.mp4

ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "aevalsrc='0.25*sin(2*PI*t*(261.63*lt(mod(t,2),0.5)+329.63*between(mod(t,2),0.5,1)+392*between(mod(t,2),1,1.5)+523.25*gte(mod(t,2),1.5)))*exp(-2*mod(t,0.5))':s=44100:d=6" \
  -ac 1 -c:a libmp3lame -b:a 96k -id3v2_version 3 -metadata title='KIE fake track' result.mp3

for weight in Regular Bold; do
  pyftsubset "/usr/share/fonts/truetype/noto/NotoSans-$weight.ttf" \
    --unicodes='U+0020-007E,U+00A0-017F,U+0400-045F,U+0490-0491,U+2010-2027,U+2030-203A,U+20AC,U+2116,U+2122,U+2190-2193,U+2212' \
    --layout-features='kern,liga' --no-hinting --desubroutinize --output-file="NotoSans-$weight.ttf"
done
