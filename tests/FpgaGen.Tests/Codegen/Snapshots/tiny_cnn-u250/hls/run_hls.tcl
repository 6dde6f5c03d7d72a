# FpgaGen: Vitis HLS projects for TinyCNN: conv_tiled Tm=16,Tn=4,Tr=7,Tc=7,vu=8, int8, batch 1
# One HLS project per kernel group (each group's top function is one kernel). Steps: csim, csynth;
#   vitis_hls -f hls/run_hls.tcl -tclargs csim csynth
set part "xcu250-figd2104-2L-e"
set period 3.333
set steps $argv
if {[llength $steps] == 0} { set steps {csim csynth} }
foreach group { conv_tiled vu_map vu_pool } {
    open_project -reset hls_prj/$group
    set_top ${group}_top
    add_files src/$group.cpp -cflags "-Isrc"
    add_files -tb tb/tb_$group.cpp -cflags "-Isrc -Itb"
    open_solution -reset solution1 -flow_target vitis
    set_part $part
    create_clock -period $period -name default
    if {[lsearch $steps csim] >= 0} { csim_design }
    if {[lsearch $steps csynth] >= 0} { csynth_design }
    if {[lsearch $steps export] >= 0} { export_design -format xo }
    close_project
}
exit
