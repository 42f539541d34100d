-- Ardour 7 headless: a MIDI track with the scamp VST3, dummy backend (48 kHz, 512-sample
-- blocks), tempo BPM from Ardour's tempo map (and BPM2 from sample AT on, when given), export
-- SECS seconds to OUT_DIR/SESS_NAME.wav. Run by ardour_vst3.py through `ardour7-lua`.
local t0 = os.clock()
local dir = os.getenv("SESS_DIR")
local name = os.getenv("SESS_NAME") or "scamp"
local secs = tonumber(os.getenv("SECS") or "8")
local bpm = tonumber(os.getenv("BPM") or "90")
local backend = AudioEngine:set_backend("None (Dummy)", "", "")
assert(backend, "no dummy backend")
print("backend", AudioEngine:current_backend_name())
backend:set_sample_rate(48000)
backend:set_buffer_size(512)
local s = create_session(dir, name, 48000)
assert(s, "create_session failed")
print("session created; rate", s:nominal_sample_rate())
local tm = Temporal.TempoMap.fetch_writable()
tm:set_tempo(Temporal.Tempo(bpm, bpm, 4), Temporal.timepos_t(0))
local bpm2 = tonumber(os.getenv("BPM2") or "")
if bpm2 then
  tm:set_tempo(Temporal.Tempo(bpm2, bpm2, 4), Temporal.timepos_t(tonumber(os.getenv("AT"))))
end
Temporal.TempoMap.update(tm)
tm = nil
local rtm = Temporal.TempoMap.read()
print("tempo at 0:", rtm:quarters_per_minute_at(Temporal.timepos_t(0)))
rtm = nil
local tl = s:new_midi_track(ARDOUR.ChanCount(ARDOUR.DataType("midi"), 1), ARDOUR.ChanCount(ARDOUR.DataType("audio"), 2),
  true, ARDOUR.PluginInfo(), nil, nil, 1, "Scamp", ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, true, true)
local track = nil
for t in tl:iter() do track = t end
assert(track, "no track")
-- Let the track's own ports settle before the plugin changes its outputs: reconfiguring them
-- while they are still being set up makes Ardour register a port twice and abort.
local function wait_connected()
  for i = 1, 200 do
    local port = track:output():audio(0)
    if not port:isnil() and port:connected() then return true end
    ARDOUR.LuaAPI.usleep(50000)
  end
  return false
end
for i = 1, 30 do ARDOUR.LuaAPI.usleep(50000) end
local tload = os.clock()
local proc = ARDOUR.LuaAPI.new_plugin(s, os.getenv("PLUGNAME") or "scamp", ARDOUR.PluginType.VST3, "")
assert(not proc:isnil(), "plugin not found")
print("plugin created:", proc:display_name())
assert(track:add_processor_by_index(proc, 0, nil, true), "add_processor failed")
local pi = proc:to_insert()
print("plugin inserted; outputs", pi:output_streams():n_audio(), "audio", pi:output_streams():n_midi(), "midi")
-- wait for the track's audio output to be connected (ports are set up asynchronously)
print("track output connected:", wait_connected())
for i = 1, 20 do ARDOUR.LuaAPI.usleep(50000) end
local ex = s:simple_export()
ex:set_name(name)
ex:set_folder(os.getenv("OUT_DIR"))
ex:set_range(Temporal.timepos_t(0):samples(), math.floor(secs * 48000))
assert(ex:set_preset("75969a1c-3133-4694-864b-a1fa50e43348"), "preset")
local w0 = os.time()
local r = ex:run_export()
print("export result:", r)
ex = nil
s:save_state("", false, false, false, false, false)
close_session()
quit()
