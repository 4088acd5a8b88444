#version 130
// The sky dome: directions around the camera, projected at the far plane whatever the
// camera's clip distances, drawn first without depth. The sky is coloured here, per
// vertex (the dome's rings are a few degrees apart and its colours change smoothly):
// the zenith-to-horizon gradient, the glow around the sun (or moon), and the haze of
// the height fog toward the horizon so distant mountains melt into the sky. Only the
// small sun disc is left to the fragment shader.
#include "common.glsl"
uniform mat4 p3d_ViewProjectionMatrix;
uniform mat4 p3d_ViewMatrixInverse;
uniform vec4 u_sky_zenith;
uniform vec4 u_sky_horizon;
in vec4 p3d_Vertex;
out vec3 v_dir;
out vec3 v_sky;     // the sky here, toned
out vec3 v_disc;    // the sun's disc seen through the same haze, toned
out float v_show;   // how much the disc shows (zero below the horizon)

void main() {
    vec3 cam = p3d_ViewMatrixInverse[3].xyz;
    vec4 clip = p3d_ViewProjectionMatrix * vec4(cam + p3d_Vertex.xyz, 1.0);
    gl_Position = clip.xyww;
    v_dir = p3d_Vertex.xyz;
    vec3 d = normalize(p3d_Vertex.xyz);
    // below the horizon the sky is seen mirrored in water (where there is no water,
    // ground covers it)
    float el = abs(d.z);
    d.z = el;
    vec3 color = mix(u_sky_horizon.rgb, u_sky_zenith.rgb, pow(min(el, 1.0), 0.55));
    float mu = max(dot(d, u_sun_dir), 0.0);
    float strength = clamp(length(u_sun_color), 0.0, 1.5);
    vec3 sun = normalize(u_sun_color + 1e-4) * 1.1;
    // glow around the sun, brighter near the horizon where haze scatters it
    color += sun * (pow(mu, 24.0) * 0.22 + pow(mu, 4.0) * 0.06) * strength;
    // height fog seen toward the horizon
    float zc = max(cam.z, 0.0);
    float depth = u_fog.x * u_fog.y * exp(-zc / u_fog.y) / max(el, 0.02);
    float haze = (1.0 - exp(-depth * 0.5)) * 0.85;
    v_sky = tone(mix(color, u_fog_color.rgb, haze));
    v_disc = tone(mix(sun, u_fog_color.rgb, haze));
    v_show = min(strength, 1.0) * step(-0.02, u_sun_dir.z);
}
