#version 130
// A flag: the cloth's vertices ripple away from the pole (u = 0) as a travelling wave.
// Same formula as flag.py's cloth_offsets(), which moves the vertices where there is no GLSL.
#include "common.glsl"
#include "lit_out.glsl"
uniform float u_time;
uniform vec4 u_flag;     // x: wave 0..1, y: width (m), z: height (m), w: phase

void main() {
    float u = p3d_MultiTexCoord0.x;
    float v = p3d_MultiTexCoord0.y;
    float w = u_flag.x;
    float t = u_time + u_flag.w;
    float k = 6.2831853 / max(u_flag.y * 0.9, 0.3);
    float x = u * u_flag.y;
    float phase = k * x - 5.5 * t + 0.8 * v;
    float amp = (0.04 + 0.16 * w) * u_flag.z * u;
    float wave = amp * (sin(phase) + 0.35 * sin(2.3 * phase + 1.7 + 1.3 * t));
    float dwave = amp * k * (cos(phase) + 0.35 * 2.3 * cos(2.3 * phase + 1.7 + 1.3 * t));
    vec4 p = p3d_Vertex;
    p.y += wave;
    p.x -= 0.08 * u * u * u_flag.y * w * (1.0 + 0.3 * sin(t * 1.3));
    p.z -= (0.12 - 0.1 * w) * u * u * u_flag.z;
    vec3 n = normalize(vec3(-dwave, 1.0, 0.0) * sign(p3d_Normal.y + 1e-4));
    lit_vertex(p, n, p3d_Color * (0.88 + 0.12 * sin(phase + 0.6)), p3d_MultiTexCoord0);
}
