#version 130
// A flag: the cloth's vertices ripple away from the pole (u = 0) as a travelling wave.
// Same formula as flag.py's cloth_offsets(), which moves the vertices where there is no GLSL.
#include "common.glsl"
#include "lit_out.glsl"
uniform float u_time;
#ifdef BATCHED
// Flags drawn together: each vertex carries its flag's place and its u_flag; the pole's
// vertices (x of sway_params < 0) stand still. The cloth moves in the flag's own frame.
in vec4 sway_origin;     // xyz: where the flag stands, w: its scale
in float sway_heading;   // its heading, radians
in vec4 sway_params;     // the flag's u_flag
#define FLAG sway_params
#else
uniform vec4 u_flag;     // x: wave 0..1, y: width (m), z: height (m), w: phase
#define FLAG u_flag
#endif

void main() {
    vec4 flag = FLAG;
#ifdef BATCHED
    float ch = cos(sway_heading), sh = sin(sway_heading);
    mat3 turn = mat3(ch, sh, 0.0, -sh, ch, 0.0, 0.0, 0.0, 1.0);
    if (flag.x < 0.0) {
        lit_vertex(p3d_Vertex, p3d_Normal, p3d_Color, p3d_MultiTexCoord0);
        return;
    }
    vec4 p = vec4(transpose(turn) * (p3d_Vertex.xyz - sway_origin.xyz) / sway_origin.w, 1.0);
    vec3 normal = transpose(turn) * p3d_Normal;
#else
    vec4 p = p3d_Vertex;
    vec3 normal = p3d_Normal;
#endif
    float u = p3d_MultiTexCoord0.x;
    float v = p3d_MultiTexCoord0.y;
    float w = flag.x;
    float t = u_time + flag.w;
    float k = 6.2831853 / max(flag.y * 0.9, 0.3);
    float x = u * flag.y;
    float phase = k * x - 5.5 * t + 0.8 * v;
    float amp = (0.04 + 0.16 * w) * flag.z * u;
    float wave = amp * (sin(phase) + 0.35 * sin(2.3 * phase + 1.7 + 1.3 * t));
    float dwave = amp * k * (cos(phase) + 0.35 * 2.3 * cos(2.3 * phase + 1.7 + 1.3 * t));
    p.y += wave;
    p.x -= 0.08 * u * u * flag.y * w * (1.0 + 0.3 * sin(t * 1.3));
    p.z -= (0.12 - 0.1 * w) * u * u * flag.z;
    vec3 n = normalize(vec3(-dwave, 1.0, 0.0) * sign(normal.y + 1e-4));
#ifdef BATCHED
    p = vec4(sway_origin.xyz + sway_origin.w * (turn * p.xyz), 1.0);
    n = turn * n;
#endif
    lit_vertex(p, n, p3d_Color * (0.88 + 0.12 * sin(phase + 0.6)), p3d_MultiTexCoord0);
}
