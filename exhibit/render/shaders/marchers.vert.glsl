#version 130
// A column of walkers moved entirely here from show time: figure i stands at arc length
// s_i = head + speed * t - i * spacing along the path, faces along it, and swings legs
// and arms with the distance walked. Same formula as marchers.py's Column.positions(),
// which moves the vertices where there is no GLSL.
#include "common.glsl"
#include "lit_out.glsl"
uniform float u_time;
uniform vec4 u_march;          // x: head start (m), y: speed (m/s), z: spacing (m), w: path points
uniform vec4 u_path[64];       // xyz: path point, w: arc length to it

const float STRIDE = 1.5;
const float HIP = 0.86;
const float SHOULDER = 1.42;

vec3 at(float s) {
    int n = int(u_march.w);
    if (s <= u_path[0].w) return u_path[0].xyz;
    for (int i = 1; i < 64; ++i) {
        if (i >= n) break;
        if (s <= u_path[i].w) {
            float k = (s - u_path[i - 1].w) / max(u_path[i].w - u_path[i - 1].w, 1e-5);
            return mix(u_path[i - 1].xyz, u_path[i].xyz, k);
        }
    }
    return u_path[n - 1].xyz;
}

void main() {
    // p3d_Vertex: the position in the figure's own frame (feet at 0, facing +y);
    // p3d_MultiTexCoord0: x the figure's index in the column, y its swing (radians, signed)
    float index = p3d_MultiTexCoord0.x;
    float swing = p3d_MultiTexCoord0.y;
    float s = u_march.x + u_march.y * u_time - index * u_march.z;
    float path_length = u_path[int(u_march.w) - 1].w;
    vec3 where = at(s);
    vec3 ahead = at(s + 1.2) - at(s - 1.2);
    float heading = atan(-ahead.x, ahead.y);
    float phase = 6.2831853 * s / STRIDE;
    float angle = swing * sin(phase);
    float pivot = abs(swing) > 0.37 ? HIP : (abs(swing) > 0.0 ? SHOULDER : 0.0);
    vec3 p = p3d_Vertex.xyz;
    float ry = p.y;
    float rz = p.z - pivot;
    float ca = cos(angle), sa = sin(angle);
    p.y = ry * ca - rz * sa;
    p.z = ry * sa + rz * ca + pivot + 0.035 * abs(cos(phase));
    float ch = cos(heading), sh = sin(heading);
    vec3 q = vec3(p.x * ch - p.y * sh, p.x * sh + p.y * ch, p.z) + where;
    vec3 n = vec3(p3d_Normal.x * ch - p3d_Normal.y * sh, p3d_Normal.x * sh + p3d_Normal.y * ch, p3d_Normal.z);
    if (s < 0.0 || s > path_length) q = where;   // not on the path (yet, or any more): not drawn
    lit_vertex(vec4(q, 1.0), n, p3d_Color, vec2(0.5, 0.5));
}
