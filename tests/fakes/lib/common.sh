# Shared by the fake vendor tools (sourced, not run).

# FAKE_TOOL_HANG=1: block forever with a child process, as a stuck vendor tool would (aoc waits on Quartus).
fake_hang() {
  if [ "${FAKE_TOOL_HANG:-}" = 1 ]; then
    sleep 3600 &
    if [ -n "${FAKE_TOOL_PIDFILE:-}" ]; then echo $! > "$FAKE_TOOL_PIDFILE"; fi
    wait
  fi
}

# FAKE_TOOL_CRASH=1: die the way a crashing tool does.
fake_crash() {
  if [ "${FAKE_TOOL_CRASH:-}" = 1 ]; then kill -SEGV $$; fi
}

# Number of lines of file $2 containing $1, ignoring case as the tools read pragmas (0 when none; grep -c exits 1 then).
count_lines() { grep -ci -- "$1" "$2" || true; }

# Sum of the numeric values of NAME=VALUE words.
define_sum() {
  local sum=0 d v
  for d in "$@"; do
    v=${d#*=}
    if [[ $d == *=* && $v =~ ^[0-9]+$ ]]; then sum=$((sum + v)); fi
  done
  echo "$sum"
}

# 1234567 -> 1,234,567 (Quartus prints thousands separators).
commas() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

# Percent with four decimals, as aoc's data_percent: pct 246188 740500 -> 33.2462
pct() { awk -v u="$1" -v a="$2" 'BEGIN { printf "%.4f", 100 * u / a }'; }

# Escapes a string for a JSON string literal.
json_escape() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '%s' "$s"; }

# version_ge "2022.2" 2023 1 -> true when the first is at least major.minor.
version_ge() {
  local major=${1%%.*} rest=${1#*.}
  local minor=${rest%%[!0-9]*}
  (( major > $2 || (major == $2 && minor >= $3) ))
}

# write_csynth FILE TOP PART CLOCK_NS U D VERSION [MODULE_SHARE]
# An HLS csynth.xml in the layout of the real reports (docs/vendor-formats.md §2.2): <DSP48E> and no indentation
# before 2020.2 (Vivado HLS), <DSP> and indentation from 2020.2 (Vitis HLS). MODULE_SHARE (percent, default 100)
# scales the numbers for a sub-module's report.
write_csynth() {
  local file=$1 top=$2 part=$3 clock=$4 u=$5 d=$6 version=$7 share=${8:-100}
  local lut=$(( (1500 + 400 * u + 20 * d) * share / 100 ))
  local ff=$(( lut * 2 / 3 )) dsp=$(( (5 * u + d) * share / 100 )) bram=$(( 2 + u ))
  local best=$(( (100 + 1000 / (1 + u) + d) * share / 100 ))
  local worst=$(( best * 2 ))
  local est; est=$(awk -v c="$clock" -v u="$u" 'BEGIN { printf "%.3f", 0.7 * c + 0.1 * u }')
  local tclock; tclock=$(awk -v c="$clock" 'BEGIN { printf "%.2f", c }')
  local dsptag=DSP i="    "
  if ! version_ge "$version" 2020 2; then dsptag=DSP48E; i=""; fi
  mkdir -p "$(dirname "$file")"
  cat > "$file" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<profile>
${i}<ReportVersion><Version>${version}</Version></ReportVersion>
${i}<UserAssignments>
${i}${i}<unit>ns</unit><ProductFamily>zynquplus</ProductFamily><Part>${part}</Part>
${i}${i}<TopModelName>${top}</TopModelName><TargetClockPeriod>${tclock}</TargetClockPeriod>
${i}${i}<ClockUncertainty>2.70</ClockUncertainty>
${i}</UserAssignments>
${i}<PerformanceEstimates>
${i}${i}<PipelineType>none</PipelineType>
${i}${i}<SummaryOfTimingAnalysis><unit>ns</unit><EstimatedClockPeriod>${est}</EstimatedClockPeriod></SummaryOfTimingAnalysis>
${i}${i}<SummaryOfOverallLatency>
${i}${i}${i}<unit>clock cycles</unit><Best-caseLatency>${best}</Best-caseLatency><Average-caseLatency>$(( (best + worst) / 2 ))</Average-caseLatency>
${i}${i}${i}<Worst-caseLatency>${worst}</Worst-caseLatency>
${i}${i}${i}<Interval-min>$(( best + 1 ))</Interval-min><Interval-max>$(( worst + 1 ))</Interval-max>
${i}${i}</SummaryOfOverallLatency>
${i}${i}<SummaryOfLoopLatency><loop_main><TripCount>64</TripCount><Latency>$(( best - 2 ))</Latency>
${i}${i}${i}<PipelineII>1</PipelineII><PipelineDepth>3</PipelineDepth></loop_main></SummaryOfLoopLatency>
${i}</PerformanceEstimates>
${i}<AreaEstimates>
${i}${i}<Resources><BRAM_18K>${bram}</BRAM_18K><${dsptag}>${dsp}</${dsptag}><FF>${ff}</FF><LUT>${lut}</LUT><URAM>0</URAM></Resources>
${i}${i}<AvailableResources><BRAM_18K>624</BRAM_18K><${dsptag}>1728</${dsptag}><FF>460800</FF><LUT>230400</LUT><URAM>96</URAM></AvailableResources>
${i}</AreaEstimates>
</profile>
XML
}
