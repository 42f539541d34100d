-- Ardour 7 headless: reopens the session SESS_NAME in SESS_DIR (dummy backend, 48 kHz,
-- 512-sample blocks) as a user reopening a saved session does, and exports SECS seconds to
-- OUT_DIR/OUT_NAME.wav. Run by ardour_state.py through `ardour7-lua`.
local dir = os.getenv("SESS_DIR")
local name = os.getenv("SESS_NAME")
local secs = tonumber(os.getenv("SECS") or "8")
local backend = AudioEngine:set_backend("None (Dummy)", "", "")
assert(backend, "no dummy backend")
backend:set_sample_rate(48000)
backend:set_buffer_size(512)
local s = load_session(dir, name)
assert(s, "load_session failed")
print("session loaded; rate", s:nominal_sample_rate())
for i = 1, 40 do ARDOUR.LuaAPI.usleep(50000) end
local ex = s:simple_export()
ex:set_name(os.getenv("OUT_NAME"))
ex:set_folder(os.getenv("OUT_DIR"))
ex:set_range(Temporal.timepos_t(0):samples(), math.floor(secs * 48000))
assert(ex:set_preset("75969a1c-3133-4694-864b-a1fa50e43348"), "preset")
local r = ex:run_export()
print("export result:", r)
ex = nil
close_session()
quit()
